import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { pidExists } from "../../profile/collect/child-process.js";
import { listListeningPorts } from "../../profile/collect/inspector-port.js";
import { catchPerfError } from "../../profile/collect/test-helpers/catch-perf-error.js";
import { importFromPerfscopeJson } from "../../profile/import/perfscope-json.js";
import { totalWeight } from "../../profile/model.js";
import { profileAllocations } from "./collect-allocations.js";
import { importFromHeapProfileText } from "./import-sampling-heap.js";
import { listTopAllocationSites } from "./top-allocations.js";

const programs = fileURLToPath(new URL("./test-programs/", import.meta.url));
const ratioProgram = join(programs, "alloc-ratio.mjs");
const keeperProgram = join(programs, "alloc-keeper.mjs");
const serverProgram = join(programs, "alloc-server.mjs");
const outRoot = mkdtempSync(join(tmpdir(), "perfscope-alloc-test-"));
const children: ChildProcess[] = [];
let runs = 0;
const nextOut = (): string => join(outRoot, `run-${++runs}`);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** The 1-based line where `function name` is declared in a test program, read from its source. */
function declarationLine(file: string, name: string): number {
  return readFileSync(file, "utf8").split("\n").findIndex((l) => l.startsWith(`function ${name}(`)) + 1;
}

describe("profileAllocations on a started command", () => {
  it("ranks the function that allocates 10x more first, and writes flame graphs in bytes", async () => {
    const result = await profileAllocations({ target: ["node", ratioProgram], out: nextOut() });
    expect(result.view).toBe("allocated");
    expect(result.exitCode).toBe(0);
    expect(result.partial).toBeNull();
    expect(result.profile.unit).toBe("bytes");
    const [first] = result.top;
    const small = result.top.find((s) => s.function === "makeSmall")!;
    expect(first).toMatchObject({ function: "makeBigStrings", file: ratioProgram, line: declarationLine(ratioProgram, "makeBigStrings") });
    expect(small.line).toBe(declarationLine(ratioProgram, "makeSmall"));
    // Built to allocate 10x: with sampling noise it must still be far ahead.
    expect(first!.share).toBeGreaterThan(0.6);
    expect(first!.bytes).toBeGreaterThan(5 * small.bytes);
    // 3000 calls of 20,000 one-byte characters: about 60 MB, estimated from samples.
    expect(first!.bytes).toBeGreaterThan(40e6);
    expect(first!.bytes).toBeLessThan(90e6);

    const svg = readFileSync(result.files.flamegraphSvg, "utf8");
    expect(svg).toContain("Allocations (bytes)");
    expect(svg).toContain("makeBigStrings");
    expect(svg).toContain("makeSmall");
    expect(svg).toMatch(/total: [\d.]+ MB/);
    expect(readFileSync(result.files.flamegraphHtml, "utf8")).toContain("makeBigStrings");
    expect(result.summary).toMatch(/makeBigStrings [\d.]+ MB/);
  });

  it("keeps a saved .heapprofile and Profile JSON that import back to the same figures", async () => {
    const result = await profileAllocations({ target: `node ${ratioProgram} 1000`, out: nextOut(), samplingInterval: 16384 });
    expect(result.samplingInterval).toBe(16384);
    const imported = importFromHeapProfileText(readFileSync(result.files.heapprofile), result.files.heapprofile)!;
    expect(imported.unit).toBe("bytes");
    const again = listTopAllocationSites(imported, 3);
    expect(again[0]).toMatchObject({ function: "makeBigStrings", bytes: result.top[0]!.bytes, line: result.top[0]!.line });
    // The collector drops perfscope's own preload frames; nothing else differs.
    expect(totalWeight(imported)).toBeGreaterThanOrEqual(result.totalBytes);
    const json = importFromPerfscopeJson(readFileSync(result.files.profileJson, "utf8"))!;
    expect(totalWeight(json)).toBe(result.totalBytes);
    expect(json.meta).toMatchObject({ collector: "v8-sampling-heap", command: ["node", ratioProgram, "1000"] });
  });

  it("retained view ranks what is kept; allocated view ranks what churns", async () => {
    const common = { target: ["node", keeperProgram], samplingInterval: 8192 };
    const [retained, allocated] = await Promise.all([
      profileAllocations({ ...common, view: "retained", out: nextOut() }),
      profileAllocations({ ...common, view: "allocated", out: nextOut() }),
    ]);
    expect(retained.top[0]!.function).toBe("keeper");
    expect(retained.top.find((s) => s.function === "churn")?.bytes ?? 0).toBeLessThan(retained.top[0]!.bytes / 4);
    expect(allocated.top[0]!.function).toBe("churn");
    const keeperAllocated = allocated.top.find((s) => s.function === "keeper")!.bytes;
    expect(allocated.top[0]!.bytes).toBeGreaterThan(4 * keeperAllocated);
    expect(readFileSync(retained.files.flamegraphSvg, "utf8")).toContain("retained view");
  });

  it("stops a long-running command after the duration, or when aborted, and keeps the data", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("user pressed Ctrl-C"), 1200);
    const [timed, aborted] = await Promise.all([
      profileAllocations({ target: ["node", serverProgram, "30000"], duration: "1s", out: nextOut() }),
      profileAllocations({ target: ["node", serverProgram, "30000"], duration: 20, signal: controller.signal, out: nextOut() }),
    ]);
    expect(timed.partial).toBeNull();
    expect(timed.exitCode).toBeNull();
    expect(timed.profile.meta.durationMs).toBeGreaterThanOrEqual(950);
    expect(timed.top[0]!.function).toBe("attachAllocator");
    expect(pidExists(timed.profile.meta.pid!)).toBe(false);
    expect(aborted.partial).toMatch(/interrupted: user pressed Ctrl-C/);
    expect(aborted.top[0]!.function).toBe("attachAllocator");
  });

  it("keeps the data of a target that calls process.exit, and explains one that is killed", async () => {
    const exiting = ["node", "-e", "let a = []; setInterval(() => { a = new Array(4096).fill(1); }, 1); setTimeout(() => process.exit(3), 400)"];
    // Killed from outside (kill -9), as the OOM killer would: process.kill on itself lets Node wait for the debugger first.
    const killed = ["node", "-e", "setInterval(() => {}, 1000); setTimeout(() => require('child_process').exec('kill -9 ' + process.pid), 400)"];
    const [exited, error] = await Promise.all([
      profileAllocations({ target: exiting, duration: 10, out: nextOut() }),
      catchPerfError(profileAllocations({ target: killed, duration: 10, out: nextOut() })),
    ]);
    // Node waits for the inspector to disconnect even on process.exit: the profile survives.
    expect(exited.exitCode).toBe(3);
    expect(exited.partial).toMatch(/exited with code 3/);
    expect(exited.totalBytes).toBeGreaterThan(0);
    expect(error.code).toBe("TARGET_EXITED");
    expect(error.message).toContain("was killed by SIGKILL");
    expect(error.hint).toMatch(/shorter duration/);
  });

  it("refuses what it cannot profile, saying what to do", async () => {
    const noDuration = await catchPerfError(profileAllocations({ target: { pid: process.pid } }));
    expect(noDuration.code).toBe("USAGE");
    expect(noDuration.hint).toMatch(/duration/);
    const notNode = await catchPerfError(profileAllocations({ target: ["sleep", "1"], out: nextOut() }));
    expect(notNode.code).toBe("USAGE");
    expect(notNode.message).toContain("sleep");
    const badView = await catchPerfError(profileAllocations({ target: ["node", ratioProgram], view: "leaked" as "retained" }));
    expect(badView.code).toBe("USAGE");
  });
});

describe("profileAllocations on a running pid", () => {
  it("samples a running process, then leaves it running with its inspector closed", async () => {
    const child = spawn("node", ["--inspect-port=0", serverProgram, "30000"], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    child.stderr!.resume();
    await new Promise((resolve) => child.stdout!.once("data", resolve));
    const pid = child.pid!;
    const portsBefore = listListeningPorts(pid);
    const result = await profileAllocations({ target: pid, duration: 1.5, samplingInterval: 8192, out: nextOut() });
    expect(result.top[0]).toMatchObject({ function: "attachAllocator", line: declarationLine(serverProgram, "attachAllocator") });
    expect(result.top[0]!.share).toBeGreaterThan(0.5);
    expect(result.notes).toEqual([]);
    expect(result.exitCode).toBeNull();
    expect(result.profile.meta).toMatchObject({ pid, collector: "v8-sampling-heap" });
    expect(child.exitCode).toBeNull();
    expect(pidExists(pid)).toBe(true);
    expect(listListeningPorts(pid)).toEqual(portsBefore);
  });
});
