import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { parseHeapSnapshotFile } from "./parse-snapshot.js";
import { startInspectedNode, type InspectedNode } from "./test-helpers/inspected-node.js";
import { takeHeapSnapshot } from "./take-snapshot.js";
import { findLeakCandidates } from "./three-snapshot.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const leaky = path.join(here, "test-programs/leaky.mjs");

describe("takeHeapSnapshot", () => {
  let dir: string;
  let target: InspectedNode | null = null;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-take-"));
  });
  afterEach(async () => {
    await target?.stop();
    target = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("groups leaks by allocation site when allocations were tracked", async () => {
    target = await startInspectedNode(leaky, ["500"]);
    await target.waitForLine(/^ready$/);
    await target.cdp.send("HeapProfiler.startTrackingHeapObjects", { trackAllocations: true });
    const graphs = [];
    for (let k = 0; k < 3; k++) {
      if (k > 0) {
        target.child.kill("SIGUSR2");
        await target.waitForLine(new RegExp(`^action ${k} done`));
      }
      const file = path.join(dir, `tracked-${k}.heapsnapshot`);
      await takeHeapSnapshot(target.cdp, file);
      graphs.push(await parseHeapSnapshotFile(file));
    }
    expect(graphs[2]!.trace).not.toBeNull();
    const top = findLeakCandidates(graphs[0]!, graphs[1]!, graphs[2]!).groups[0]!;
    expect(top.className).toBe("LeakedThing");
    expect(top.count).toBe(500);
    expect(top.allocationSite).toMatch(/leaky\.mjs:\d+/);
    expect(top.summary).toContain(`allocated in ${top.allocationSite}`);
  });

  it("says the target exited, and keeps no partial file, when it dies mid-snapshot", async () => {
    target = await startInspectedNode(leaky, ["1000"]);
    await target.waitForLine(/^ready$/);
    const file = path.join(dir, "killed.heapsnapshot");
    const child = target.child;
    let killed = false;
    const error = await catchPerfError(
      takeHeapSnapshot(target.cdp, file, {
        onProgress: () => {
          if (!killed) child.kill("SIGKILL");
          killed = true;
        },
      }),
    );
    expect(error.code).toBe("TARGET_EXITED");
    expect(error.where?.file).toBe(file);
    expect(existsSync(file)).toBe(false);
  });

  it("stops waiting when aborted", async () => {
    target = await startInspectedNode(leaky, ["10"]);
    await target.waitForLine(/^ready$/);
    const file = path.join(dir, "aborted.heapsnapshot");
    const controller = new AbortController();
    const error = await catchPerfError(takeHeapSnapshot(target.cdp, file, { signal: controller.signal, onProgress: () => controller.abort() }));
    expect(error.code).toBe("INTERRUPTED");
    expect(existsSync(file)).toBe(false);
  });
});
