import { assertPidExists } from "./child-process.js";
import { attachNodeCpuProfile } from "./node-attach.js";
import { isNodeExecutable } from "./node-command.js";
import { collectNodeCpuProfile } from "./node-start.js";
import { collectPerfProfile } from "./perf-record.js";
import type { PerfToolOptions } from "./perf-tool.js";
import { isNodeProcess, readProcessInfo } from "./proc-info.js";
import type { CollectResult, CollectStdio, CommonCollectOptions } from "./types.js";

export { DEFAULT_SAMPLE_RATE_HZ } from "./collect-options.js";
export { collectNodeCpuProfile, type NodeStartOptions } from "./node-start.js";
export { attachNodeCpuProfile, type NodeAttachOptions } from "./node-attach.js";
export { collectPerfProfile, NODE_PERF_FLAGS, type PerfCollectOptions } from "./perf-record.js";
export { locatePerf, type PerfTool, type PerfToolOptions } from "./perf-tool.js";
export type { CollectProgress, CollectResult, CollectStdio, ProgressCallback } from "./types.js";

export type CollectorChoice = "auto" | "inspector" | "perf";

export interface CollectProfileOptions extends CommonCollectOptions, PerfToolOptions {
  target: { command: string[] } | { pid: number };
  /** auto: the V8 inspector for node commands and node pids, Linux perf for anything else. */
  collector?: CollectorChoice;
  /** Raw files (perf.data, cpu.cpuprofile) are written here. */
  outDir: string;
  stdio?: CollectStdio;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Which collector `auto` picks for a target. */
export function chooseCollector(target: CollectProfileOptions["target"], collector: CollectorChoice = "auto"): "inspector" | "perf" {
  if (collector !== "auto") return collector;
  if ("command" in target) return target.command[0] !== undefined && isNodeExecutable(target.command[0]) ? "inspector" : "perf";
  assertPidExists(target.pid);
  return isNodeProcess(readProcessInfo(target.pid)) ? "inspector" : "perf";
}

/** Collects a CPU profile of a command or a running process with the fitting collector. */
export async function collectProfile(options: CollectProfileOptions): Promise<CollectResult> {
  const { target } = options;
  const common: CommonCollectOptions = {
    ...(options.sampleRateHz !== undefined ? { sampleRateHz: options.sampleRateHz } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const spawnOptions = {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.stdio !== undefined ? { stdio: options.stdio } : {}),
  };
  const collector = chooseCollector(target, options.collector);
  if (collector === "perf") {
    const perfTool: PerfToolOptions = {
      ...(options.perfPath !== undefined ? { perfPath: options.perfPath } : {}),
      ...(options.perfWrapper !== undefined ? { perfWrapper: options.perfWrapper } : {}),
    };
    const where = "command" in target ? { command: target.command } : { pid: target.pid };
    return collectPerfProfile({ ...common, ...spawnOptions, ...perfTool, ...where, outDir: options.outDir });
  }
  if ("command" in target) return collectNodeCpuProfile({ ...common, ...spawnOptions, command: target.command, outDir: options.outDir });
  return attachNodeCpuProfile({ ...common, pid: target.pid, outDir: options.outDir });
}
