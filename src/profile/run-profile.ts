import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { PerfError } from "../core/errors.js";
import { createRunOutput, type RunOutput } from "../core/run-output.js";
import { parseDuration } from "../core/units.js";
import { renderProfileSummary } from "../report/profile-report.js";
import { analyzeProfile, type Bottleneck, type ProfileAnalysis } from "./analyze/analyze-profile.js";
import { resolveSampleRate } from "./collect/collect-options.js";
import { collectProfile } from "./collect/index.js";
import type { CollectProgress, CollectResult } from "./collect/types.js";
import { importProfileFile } from "./import/index.js";
import { listSamples, type Profile, type SampleView } from "./model.js";
import { saveProfileArtifacts, type ProfileFiles } from "./save-artifacts.js";
import { resolveProfileTarget } from "./target.js";

export interface ProfileOptions {
  /** "node app.js", ["node", "app.js"], a PID, "pid:4242", { pid } or { command }. */
  target: unknown;
  /** Seconds (number) or a duration string ("30s", "2m"). Optional for commands: they run to the end. */
  duration?: number | string;
  /** Sampling rate in Hz. */
  sampleRate?: number;
  /** Alias of `sampleRate`, as the brief's examples spell it. */
  sample_rate?: number;
  collector?: "auto" | "inspector" | "perf";
  /** Output folder; default `.perfscope/runs/<time>-profile/`. */
  out?: string;
  signal?: AbortSignal;
  onProgress?: (event: CollectProgress) => void;
  /** How the target's own output is handled (default "pipe": captured and saved to output.txt). */
  stdio?: "inherit" | "pipe" | "ignore";
  /** Number of bottlenecks to list (default 10). */
  top?: number;
  /** Working folder of a started command (default the process's). */
  cwd?: string;
}

export interface ProfileRunResult {
  /** A few lines naming the top bottlenecks and the main finding, for people and agents. */
  summary: string;
  /** The top bottlenecks, heaviest first. */
  bottlenecks: Bottleneck[];
  analysis: ProfileAnalysis;
  /** Every sample with its function, stack and duration in ms (materialised on first use). */
  readonly samples: SampleView[];
  files: ProfileFiles;
  /** What the collector recorded as it came (perf.data, the V8 .cpuprofile): for re-analysis. */
  rawFiles: string[];
  /** The target's captured output (stdio "pipe"), saved in the run folder, or null. */
  outputFile: string | null;
  outDir: string;
  exitCode: number | null;
  partial: string | null;
  /** Things that did not stop the run but limit what it shows (e.g. JS frames without names). */
  notes: string[];
  /** The target's own output when run with `stdio: "pipe"` (capped). */
  output: { stdout: string; stderr: string } | null;
  profile: Profile;
}

function parseDurationOption(duration: number | string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const parsed = parseDuration(duration);
  if (parsed === null || parsed <= 0) {
    throw new PerfError("USAGE", `Invalid duration ${JSON.stringify(duration)}.`, { hint: 'Use seconds (30) or a string such as "30s", "500ms", "2m".' });
  }
  return parsed;
}

/** Analyses a profile, saves every artifact, and builds the result both entry points return. */
async function finishRun(profile: Profile, out: RunOutput, top: number, collected: Partial<CollectResult>): Promise<ProfileRunResult> {
  const analysis = analyzeProfile(profile, { top });
  const files = await saveProfileArtifacts(profile, analysis, out);
  let outputFile: string | null = null;
  const output = collected.output ?? null;
  if (output && (output.stdout || output.stderr)) {
    outputFile = out.file("output.txt");
    await writeFile(outputFile, `${output.stdout}${output.stderr ? `\n--- stderr ---\n${output.stderr}` : ""}`);
  }
  const result = {
    summary: renderProfileSummary(analysis),
    bottlenecks: analysis.bottlenecks,
    analysis,
    files,
    rawFiles: collected.rawFiles ?? [],
    outputFile,
    outDir: out.dir,
    exitCode: collected.exitCode ?? null,
    partial: collected.partial?.reason ?? profile.meta.partial?.reason ?? null,
    notes: collected.notes ?? [],
    output,
    profile,
  };
  let cached: SampleView[] | undefined;
  // Lazy and not enumerable: serialising a result never drags every sample along.
  return Object.defineProperty(result, "samples", { enumerable: false, get: () => (cached ??= listSamples(profile)) }) as ProfileRunResult;
}

/** Collects a CPU profile from a command or a PID, analyses it and saves every artifact. */
export async function profile(options: ProfileOptions): Promise<ProfileRunResult> {
  const target = resolveProfileTarget(options.target);
  const durationMs = parseDurationOption(options.duration);
  if ("pid" in target && durationMs === undefined) {
    throw new PerfError("USAGE", `Profiling pid ${target.pid} needs a duration.`, { hint: "Add duration: 30 (seconds) or --duration 30s.", where: { pid: target.pid } });
  }
  const sampleRateHz = resolveSampleRate(options.sampleRate ?? options.sample_rate);
  const out = await createRunOutput("profile", options.out !== undefined ? { out: options.out } : {});
  const collected = await collectProfile({
    target,
    collector: options.collector ?? "auto",
    sampleRateHz,
    outDir: out.dir,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    stdio: options.stdio ?? "pipe",
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  return finishRun(collected.profile, out, options.top ?? 10, collected);
}

export interface AnalyzeFileOptions {
  out?: string;
  top?: number;
  onProgress?: (bytesRead: number) => void;
}

/** Imports a saved profile in any supported format, analyses it, writes the flame graphs. */
export async function analyzeProfileFile(path: string, options: AnalyzeFileOptions = {}): Promise<ProfileRunResult> {
  const imported = await importProfileFile(path, options.onProgress ? { onProgress: options.onProgress } : {});
  const out = await createRunOutput("analyze", options.out !== undefined ? { out: options.out } : {});
  return finishRun(imported, out, options.top ?? 10, {});
}

/** The artifacts and raw files of a run as one name → path map, for reports and tool links. */
export function listRunFiles(result: ProfileRunResult): Record<string, string> {
  const files: Record<string, string> = { ...result.files };
  for (const raw of result.rawFiles) files[`raw ${basename(raw)}`] = raw;
  if (result.outputFile) files.output = result.outputFile;
  return files;
}
