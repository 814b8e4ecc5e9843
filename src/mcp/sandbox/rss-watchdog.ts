/**
 * A parent-side check of the child's resident memory, for what the V8 heap limit and the
 * data rlimit miss (e.g. memory mapped some other way). It sums VmRSS over the process
 * tree under the spawned wrapper, read from /proc.
 */
import { readFile } from "node:fs/promises";

async function readChildren(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text.split(/\s+/).filter(Boolean).map(Number);
}

async function readRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m?.[1] === undefined ? 0 : Number(m[1]) * 1024;
}

export async function measureTreeRss(rootPid: number): Promise<number> {
  let total = 0;
  const queue = [rootPid];
  for (let guard = 0; queue.length > 0 && guard < 1000; guard++) {
    const pid = queue.shift() as number;
    total += await readRssBytes(pid);
    queue.push(...(await readChildren(pid)));
  }
  return total;
}

/** Polls every `intervalMs`; calls `onExceeded` once when the tree's RSS passes `limitBytes`. */
export function startRssWatchdog(rootPid: number, limitBytes: number, onExceeded: (rssBytes: number) => void, intervalMs = 100): () => void {
  let busy = false;
  let fired = false;
  const timer = setInterval(() => {
    if (busy || fired) return;
    busy = true;
    void measureTreeRss(rootPid)
      .then((rss) => {
        if (rss > limitBytes && !fired) {
          fired = true;
          onExceeded(rss);
        }
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
