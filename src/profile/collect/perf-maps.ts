import { existsSync, readFileSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";

/**
 * Node started with --perf-basic-prof writes /tmp/perf-<pid>.map so perf can name JIT code.
 * We record the pids perf started for us, and after `perf script` has read the maps we
 * delete theirs, only if the map did not exist before we began: never another run's file.
 */
export class PerfMapTracker {
  private readonly pids = new Set<number>();
  private readonly before: Set<string>;

  constructor() {
    this.before = new Set(listPerfMaps());
  }

  /**
   * Records the direct children of the perf process: the workload it exec'd keeps the pid
   * perf forked. perf forks before it sets up its events, so polling from the start sees it.
   */
  trackChildrenOf(perfPid: number): void {
    let text: string;
    try {
      text = readFileSync(`/proc/${perfPid}/task/${perfPid}/children`, "utf8");
    } catch {
      return;
    }
    for (const part of text.trim().split(/\s+/)) {
      const pid = Number(part);
      if (Number.isInteger(pid) && pid > 0) this.pids.add(pid);
    }
  }

  /** Adds processes known to belong to the workload (seen in its samples). */
  track(pids: Iterable<number>): void {
    for (const pid of pids) this.pids.add(pid);
  }

  get trackedPids(): number[] {
    return [...this.pids];
  }

  async cleanUp(): Promise<string[]> {
    const removed: string[] = [];
    for (const pid of this.pids) {
      const path = perfMapPath(pid);
      if (this.before.has(path) || !existsSync(path)) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
    return removed;
  }
}

export function perfMapPath(pid: number): string {
  return `/tmp/perf-${pid}.map`;
}

function listPerfMaps(): string[] {
  try {
    return readdirSync("/tmp")
      .filter((name) => /^perf-\d+\.map$/.test(name))
      .map((name) => `/tmp/${name}`);
  } catch {
    return [];
  }
}
