import { PerfError } from "../../core/errors.js";
import { formatDuration, ms } from "../../core/units.js";
import type { CdpClient } from "./cdp-client.js";
import { pidExists } from "./child-process.js";
import { resolveSampleRate, validateDuration, waitForStop } from "./collect-options.js";
import { attachInspectorSession } from "./inspector-attach.js";
import { ProgressReporter } from "./progress.js";
import type { CollectResult, CommonCollectOptions } from "./types.js";
import { convertV8Profile, startV8Profiler, stopV8Profiler } from "./v8-session.js";

export interface NodeAttachOptions extends CommonCollectOptions {
  pid: number;
  /** When set, the raw V8 profile is kept as `<outDir>/cpu.cpuprofile`. */
  outDir?: string;
}

/**
 * Profiles a running Node process: opens its inspector with SIGUSR1, confirms the pid on the
 * other end, samples for `durationMs` (or until `signal` aborts), then closes the inspector
 * again so the process runs on as before, with no debug port left open.
 */
export async function attachNodeCpuProfile(options: NodeAttachOptions): Promise<CollectResult> {
  const { pid } = options;
  const sampleRateHz = resolveSampleRate(options.sampleRateHz);
  validateDuration(options.durationMs);
  if (options.durationMs === undefined && !options.signal) {
    throw new PerfError("USAGE", "attaching needs durationMs (or an abort signal) to know when to stop", { where: { pid }, hint: "e.g. durationMs: 10000" });
  }
  const progress = new ProgressReporter(options.onProgress);
  progress.report("starting", `opening the inspector of pid ${pid}`);
  const session = await attachInspectorSession(pid, {
    signal: options.signal,
    notNodeHint: "the inspector collector attaches only to node; use the perf collector for other programs",
  });
  const { client, info } = session;
  try {
    await startV8Profiler(client, sampleRateHz);
    const startTime = new Date().toISOString();
    const t0 = Date.now();
    progress.startTicking(() => ({ message: `profiling pid ${pid} at ${sampleRateHz} Hz` }));
    const end = await waitForAttachEnd(client, options);
    progress.stopTicking();
    const profiledMs = Date.now() - t0;
    if (end.kind === "lost") {
      throw new PerfError("TARGET_EXITED", `pid ${pid} went away after ${formatDuration(ms(profiledMs))} while being profiled; the V8 profile was inside it and is lost`, {
        where: { pid },
        hint: pidExists(pid) ? "the inspector connection was closed by someone else; try again" : "the process exited or was killed during profiling",
      });
    }
    progress.report("stopping", "stopping the profiler and closing the inspector");
    const raw = await stopV8Profiler(client);
    await client.send("Profiler.disable").catch(() => undefined);
    const notes = await session.detach();
    progress.report("converting", "converting the V8 profile");
    const partial = end.kind === "aborted" ? { reason: `${end.reason} after ${formatDuration(ms(profiledMs))}` } : null;
    const target = `pid ${pid}${info.cmdline ? ` (${info.cmdline.join(" ")})` : ""}`;
    const { profile, rawFiles } = await convertV8Profile(raw, {
      outDir: options.outDir,
      meta: {
        name: target,
        target,
        ...(info.cmdline ? { command: info.cmdline } : {}),
        pid,
        startTime,
        durationMs: profiledMs,
        sampleRateHz,
        collector: "v8-inspector",
        ...(partial ? { partial } : {}),
      },
    });
    const result: CollectResult = { profile, exitCode: null, partial, rawFiles };
    if (notes.length > 0) result.notes = notes;
    return result;
  } finally {
    progress.stopTicking();
    // Leaves the target as found on every path; a no-op once detached above.
    await session.detach().catch(() => undefined);
  }
}

type AttachEnd = { kind: "duration" } | { kind: "aborted"; reason: string } | { kind: "lost" };

function waitForAttachEnd(client: CdpClient, options: NodeAttachOptions): Promise<AttachEnd> {
  return waitForStop<AttachEnd>([client.closed.then(() => ({ kind: "lost" as const }))], options.durationMs, options.signal);
}
