import { PerfError } from "../core/errors.js";
import { createRunOutput } from "../core/run-output.js";
import { parseDuration } from "../core/units.js";
import { analyzeProfile, type Bottleneck, type ProfileAnalysis } from "./analyze/analyze-profile.js";
import { collectProfile, DEFAULT_SAMPLE_RATE_HZ } from "./collect/index.js";
import type { CollectProgress } from "./collect/types.js";
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
  /** How the target's own output is handled (default: inherit for the CLI, pipe for scripts). */
  stdio?: "inherit" | "pipe" | "ignore";
  /** Number of bottlenecks to list (default 10). */
  top?: number;
}

export interface ProfileRunResult {
  /** The top bottlenecks, heaviest first. */
  bottlenecks: Bottleneck[];
  analysis: ProfileAnalysis;
  /** Every sample with its function, stack and duration in ms (materialised on first use). */
  readonly samples: SampleView[];
  files: ProfileFiles;
  outDir: string;
  exitCode: number | null;
  partial: string | null;
  /** The target's own output when run with `stdio: "pipe"` (capped). */
  output: { stdout: string; stderr: string } | null;
  profile: Profile;
}

function withLazySamples(result: Omit<ProfileRunResult, "samples">): ProfileRunResult {
  let cached: SampleView[] | undefined;
  return Object.defineProperty(result, "samples", {
    enumerable: false,
    get: () => (cached ??= listSamples(result.profile)),
  }) as ProfileRunResult;
}

function parseDurationOption(duration: number | string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const parsed = parseDuration(duration);
  if (parsed === null || parsed <= 0) {
    throw new PerfError("USAGE", `Invalid duration ${JSON.stringify(duration)}.`, { hint: 'Use seconds (30) or a string such as "30s", "500ms", "2m".' });
  }
  return parsed;
}

/** Collects a CPU profile from a command or a PID, analyses it and saves every artifact. */
export async function profile(options: ProfileOptions): Promise<ProfileRunResult> {
  const target = resolveProfileTarget(options.target);
  const durationMs = parseDurationOption(options.duration);
  if ("pid" in target && durationMs === undefined) {
    throw new PerfError("USAGE", `Profiling pid ${target.pid} needs a duration.`, { hint: "Add duration: 30 (seconds) or --duration 30s.", where: { pid: target.pid } });
  }
  const sampleRateHz = options.sampleRate ?? options.sample_rate ?? DEFAULT_SAMPLE_RATE_HZ;
  if (!Number.isFinite(sampleRateHz) || sampleRateHz <= 0 || sampleRateHz > 100_000) {
    throw new PerfError("USAGE", `Invalid sample rate ${sampleRateHz} Hz.`, { hint: "Use a rate between 1 and 100000 Hz; 100–1000 is typical." });
  }
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
  });
  const analysis = analyzeProfile(collected.profile, { top: options.top ?? 10 });
  const files = await saveProfileArtifacts(collected.profile, analysis, out);
  return withLazySamples({
    bottlenecks: analysis.bottlenecks,
    analysis,
    files,
    outDir: out.dir,
    exitCode: collected.exitCode,
    partial: collected.partial?.reason ?? null,
    output: collected.output ?? null,
    profile: collected.profile,
  });
}

export interface AnalyzeFileOptions {
  out?: string;
  top?: number;
  onProgress?: (bytesRead: number) => void;
}

/** Imports a saved profile in any supported format, analyses it, writes the flame graphs. */
export async function analyzeProfileFile(path: string, options: AnalyzeFileOptions = {}): Promise<ProfileRunResult> {
  const imported = await importProfileFile(path, options.onProgress ? { onProgress: options.onProgress } : {});
  const analysis = analyzeProfile(imported, { top: options.top ?? 10 });
  const out = await createRunOutput("analyze", options.out !== undefined ? { out: options.out } : {});
  const files = await saveProfileArtifacts(imported, analysis, out);
  return withLazySamples({
    bottlenecks: analysis.bottlenecks,
    analysis,
    files,
    outDir: out.dir,
    exitCode: null,
    partial: imported.meta.partial?.reason ?? null,
    output: null,
    profile: imported,
  });
}
