import { writeFile } from "node:fs/promises";
import { PerfError } from "../../core/errors.js";
import { createRunOutput } from "../../core/run-output.js";
import { formatBytes, formatDuration, ms, parseDuration } from "../../core/units.js";
import { renderFlameGraphHtml, renderFlameGraphSvg } from "../../flamegraph/index.js";
import { describeExit, withTimeout, type ExitStatus } from "../../profile/collect/child-process.js";
import { attachInspectorSession } from "../../profile/collect/inspector-attach.js";
import type { CollectStdio, ProgressCallback } from "../../profile/collect/types.js";
import { exportToPerfscopeJson } from "../../profile/export/index.js";
import { dropSamplesThrough } from "../../profile/filter-samples.js";
import { totalWeight, type Profile, type ProfileMeta } from "../../profile/model.js";
import { describeTarget, resolveProfileTarget } from "../../profile/target.js";
import { importFromSamplingHeapProfile } from "./import-sampling-heap.js";
import { runAllocationSampling, samplingFlagsForView, type AllocationRun, type CollectAllocationOptions, type AllocationView, type SamplingHeapProfile } from "./sampling-heap.js";
import { startInspectedNode } from "./start-inspected.js";
import { describeAllocationSites, listTopAllocationSites, type AllocationSite } from "./top-allocations.js";

export interface AllocationProfileOptions {
  /** "node app.js", ["node", "app.js"], a pid, "pid:4242" or { pid }. */
  target: string | string[] | number | { pid: number } | { command: string[] | string };
  /** Seconds, or "30s" / "500ms". A command runs until then or until it ends; a pid needs it (or `signal`). */
  duration?: number | string;
  /** Mean bytes between samples (default 32768). */
  samplingInterval?: number;
  /** "allocated" (default): every sampled allocation, freed or not. "retained": only what is still alive at the end. */
  view?: AllocationView;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Output folder; default `.perfscope/runs/<time>-alloc/`. */
  out?: string;
  /** The started command's output (default "pipe": captured, not printed). */
  stdio?: CollectStdio;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many allocation sites to list (default 10). */
  top?: number;
}

export interface AllocationProfileFiles {
  /** V8's raw profile; opens in Chrome DevTools (Memory tab → Load). */
  heapprofile: string;
  flamegraphSvg: string;
  flamegraphHtml: string;
  /** The Profile (bytes) in perfscope's JSON. */
  profileJson: string;
}

export interface AllocationProfileResult {
  /** Two to a dozen lines: total bytes, view, the top sites. */
  summary: string;
  profile: Profile;
  view: AllocationView;
  samplingInterval: number;
  /** Estimated bytes over all sampled call paths. */
  totalBytes: number;
  /** Allocation sites, most bytes first (builtins charged to their JS caller). */
  top: AllocationSite[];
  files: AllocationProfileFiles;
  outDir: string;
  /** Set when sampling ended early or the program failed: what happened. */
  partial: string | null;
  /** The started command's exit code; null for a pid, or when we stopped it. */
  exitCode: number | null;
  notes: string[];
}

interface Collected {
  run: AllocationRun;
  meta: ProfileMeta;
  status: ExitStatus | null;
  notes: string[];
  fromPreload: boolean;
}

/**
 * Samples where a Node program allocates memory — a command it starts, or a running pid —
 * and saves the V8 .heapprofile, the Profile in bytes and allocation flame graphs.
 */
export async function profileAllocations(options: AllocationProfileOptions): Promise<AllocationProfileResult> {
  const target = resolveProfileTarget(options.target);
  const durationMs = parseDurationOption(options.duration);
  if ("pid" in target && durationMs === undefined && !options.signal) {
    throw new PerfError("USAGE", `sampling the allocations of pid ${target.pid} needs a duration`, { where: { pid: target.pid }, hint: "add duration: 10 (seconds) or --duration 10s" });
  }
  const view = options.view ?? "allocated";
  if (view !== "allocated" && view !== "retained") throw new PerfError("USAGE", `unknown view ${JSON.stringify(view)}`, { hint: 'use "allocated" (where memory churns) or "retained" (where it stays)' });
  const sampling: SamplingSettings = {
    ...samplingFlagsForView(view),
    ...(options.samplingInterval !== undefined ? { samplingInterval: options.samplingInterval } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const label = describeTarget(target);
  const collected = "pid" in target ? await collectFromPid(target.pid, sampling, label, options.signal) : await collectFromCommand(target.command, sampling, label, options);
  // Created once there is something to keep: a refused target leaves no empty run folder.
  const out = await createRunOutput("alloc", options.out !== undefined ? { out: options.out } : {});
  return finishAllocationRun(collected, view, durationMs, out, options.top ?? 10);
}

type SamplingSettings = Omit<CollectAllocationOptions, "targetLabel" | "onSamplingStarted" | "stopWhen">;

async function collectFromPid(pid: number, sampling: SamplingSettings, label: string, signal: AbortSignal | undefined): Promise<Collected> {
  const attached = await attachInspectorSession(pid, {
    signal,
    notNodeHint: "allocation profiling reads V8's heap profiler, which only node processes have",
  });
  let run: AllocationRun | undefined;
  let failure: unknown;
  try {
    run = await runAllocationSampling(attached.client, { ...sampling, targetLabel: label });
  } catch (error) {
    failure = error;
  }
  // Always leave the target as found, whether sampling worked or not.
  const notes = await attached.detach().catch((e: unknown) => [`detaching from pid ${pid} failed: ${String(e)}`]);
  if (!run) throw failure;
  const cmd = attached.info.cmdline;
  const name = `pid ${pid}${cmd ? ` (${cmd.join(" ")})` : ""}`;
  return { run, meta: { name, target: name, pid, ...(cmd ? { command: cmd } : {}) }, status: null, notes, fromPreload: false };
}

async function collectFromCommand(command: string[], sampling: SamplingSettings, label: string, options: AllocationProfileOptions): Promise<Collected> {
  const node = await startInspectedNode(command, {
    stdio: options.stdio ?? "pipe",
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let run: AllocationRun;
  try {
    run = await runAllocationSampling(node.client, { ...sampling, targetLabel: label, onSamplingStarted: node.resume, stopWhen: [node.finished] });
  } catch (error) {
    await node.shutdown(false);
    throw await explainLostTarget(error, node.started.exited, node.output().stderr);
  }
  const status = await node.shutdown(run.end.kind === "event");
  const pid = node.started.pid;
  return { run, meta: { name: label, target: label, command: [...command], ...(pid !== undefined ? { pid } : {}) }, status, notes: [], fromPreload: true };
}

async function finishAllocationRun(c: Collected, view: AllocationView, durationMs: number | undefined, out: { file(name: string): string; dir: string }, topN: number): Promise<AllocationProfileResult> {
  const files: AllocationProfileFiles = {
    heapprofile: out.file("allocations.heapprofile"),
    flamegraphSvg: out.file("allocations-flamegraph.svg"),
    flamegraphHtml: out.file("allocations-flamegraph.html"),
    profileJson: out.file("allocations-profile.json"),
  };
  // The raw profile first: whatever fails later, the data is on disk.
  await writeFile(files.heapprofile, JSON.stringify(c.run.profile));
  const partial = describePartial(c.run, c.status, durationMs);
  const meta: ProfileMeta = { ...c.meta, startTime: c.run.startTime, durationMs: c.run.sampledMs, collector: "v8-sampling-heap", ...(partial ? { partial: { reason: partial } } : {}) };
  const profile = convertRun(c.run.profile, files.heapprofile, meta, c.fromPreload);
  const title = `Allocations (bytes), ${view} view: ${meta.target ?? "node"}`;
  await Promise.all([
    writeFile(files.profileJson, exportToPerfscopeJson(profile)),
    writeFile(files.flamegraphSvg, renderFlameGraphSvg(profile, { title })),
    writeFile(files.flamegraphHtml, renderFlameGraphHtml(profile, { title })),
  ]);
  const top = listTopAllocationSites(profile, topN);
  const totalBytes = totalWeight(profile);
  const headline = `${formatBytes(totalBytes)} ${view === "allocated" ? "allocated" : "retained at the end"} (estimated from samples every ~${formatBytes(c.run.samplingInterval)}) by ${meta.target} over ${formatDuration(ms(c.run.sampledMs))}`;
  const lines = [headline, ...(top.length > 0 ? ["Top allocation sites:", ...describeAllocationSites(top.slice(0, 5)).map((l) => `  ${l}`)] : ["No allocations were sampled: run longer or lower samplingInterval."])];
  if (partial) lines.push(`Partial: ${partial}`);
  return { summary: lines.join("\n"), profile, view, samplingInterval: c.run.samplingInterval, totalBytes, top, files, outDir: out.dir, partial, exitCode: c.status?.code ?? null, notes: c.notes };
}

function convertRun(raw: SamplingHeapProfile, fileName: string, meta: ProfileMeta, fromPreload: boolean): Profile {
  const profile = importFromSamplingHeapProfile(raw, { fileName, meta });
  if (!profile) throw new PerfError("INTERNAL", "the inspector's heap profile was not in the sampling heap profile format", { where: { file: fileName }, partialFiles: [fileName], hint: "report this with the Node version" });
  // The preload that paused the program is perfscope's code, not the program's.
  return fromPreload ? dropSamplesThrough(profile, (f) => f.file !== undefined && f.file.endsWith("inspect-preload.cjs")) : profile;
}

function describePartial(run: AllocationRun, status: ExitStatus | null, durationMs: number | undefined): string | null {
  const after = formatDuration(ms(run.sampledMs));
  if (run.end.kind === "aborted") return `${run.end.reason} after ${after}`;
  if (run.end.kind !== "event" || !status) return null;
  if (status.code !== 0 || status.signal) return `the target ${describeExit(status)} after ${after}`;
  if (durationMs !== undefined) return `the target exited after ${after}, before the requested ${formatDuration(ms(durationMs))}`;
  return null;
}

/** A target that vanished mid-run: say how it ended (exit code, signal) and what it printed. */
async function explainLostTarget(error: unknown, exited: Promise<ExitStatus>, stderr: string): Promise<unknown> {
  if (!(error instanceof PerfError) || error.code !== "TARGET_EXITED") return error;
  const status = await withTimeout(exited.catch(() => null), 1000, null);
  const how = status ? ` (it ${describeExit(status)})` : "";
  const tail = stderr.trim().slice(-300);
  return new PerfError("TARGET_EXITED", `${error.message}${how}`, {
    where: error.where ?? {},
    hint: `V8 keeps the samples inside the process until sampling stops, so a crash or kill loses them (a normal exit or process.exit() does not); give a shorter duration to stop before it dies${tail ? `; its stderr ended with: ${tail}` : ""}`,
  });
}

function parseDurationOption(duration: number | string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const parsed = parseDuration(duration);
  if (parsed === null || parsed <= 0) throw new PerfError("USAGE", `invalid duration ${JSON.stringify(duration)}`, { hint: 'use seconds (10) or a string such as "10s", "500ms", "2m"' });
  return parsed;
}
