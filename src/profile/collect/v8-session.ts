import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PerfError } from "../../core/errors.js";
import { hz, hzToIntervalUs } from "../../core/units.js";
import { importFromCpuProfile } from "../import/cpuprofile.js";
import type { Profile, ProfileMeta } from "../model.js";
import type { CdpClient } from "./cdp-client.js";

/** Enables the V8 sampling profiler at `sampleRateHz` and starts it. */
export async function startV8Profiler(client: CdpClient, sampleRateHz: number): Promise<void> {
  await client.send("Profiler.enable");
  // The interval must be set before start; V8 takes it in microseconds.
  await client.send("Profiler.setSamplingInterval", { interval: hzToIntervalUs(hz(sampleRateHz)) as number });
  await client.send("Profiler.start");
}

/**
 * Stops the profiler and returns V8's raw cpuprofile object. The answer can be large (tens
 * of MB for long runs), hence the generous time limit.
 */
export async function stopV8Profiler(client: CdpClient, timeoutMs = 30_000): Promise<unknown> {
  const result = await client.send("Profiler.stop", {}, timeoutMs);
  if (!result.profile || typeof result.profile !== "object") {
    throw new PerfError("INTERNAL", "the inspector answered Profiler.stop without a profile", {
      where: { url: client.url },
      hint: "this Node version may not support the Profiler domain; try the perf collector",
    });
  }
  return result.profile;
}

export interface ConvertOptions {
  meta: ProfileMeta;
  /** When set, the raw .cpuprofile is written here too (it opens in Chrome DevTools). */
  outDir?: string;
  fileBase?: string;
}

/** Converts V8's profile to the Profile model, fills meta, and optionally keeps the raw file. */
export async function convertV8Profile(raw: unknown, options: ConvertOptions): Promise<{ profile: Profile; rawFiles: string[] }> {
  const rawFiles: string[] = [];
  if (options.outDir) {
    await mkdir(options.outDir, { recursive: true });
    const file = join(options.outDir, `${options.fileBase ?? "cpu"}.cpuprofile`);
    await writeFile(file, JSON.stringify(raw));
    rawFiles.push(file);
  }
  const profile = importFromCpuProfile(raw, { fileName: rawFiles[0] ?? "inspector" });
  if (!profile) {
    throw new PerfError("INTERNAL", "the inspector's profile was not in the V8 cpuprofile format", {
      hint: "report this with the Node version; the perf collector is an alternative",
      partialFiles: rawFiles,
    });
  }
  profile.meta = { ...profile.meta, ...options.meta, name: options.meta.name ?? options.meta.target ?? profile.meta.name };
  return { profile, rawFiles };
}

/** Counts samples in a raw V8 profile without converting it (for progress messages). */
export function countV8Samples(raw: unknown): number {
  const samples = (raw as { samples?: unknown } | null)?.samples;
  return Array.isArray(samples) ? samples.length : 0;
}
