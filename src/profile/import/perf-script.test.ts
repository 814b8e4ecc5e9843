import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import { stackFrames, type Profile } from "../model.js";
import { parsePerfFrameText } from "./perf-script-frame.js";
import { parsePerfHeader } from "./perf-script-header.js";
import { foldPerfScriptStream, importFromPerfScript, importFromPerfScriptStream, splitPerfScriptByThread } from "./perf-script.js";

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const names = (p: Profile, node: number): string => stackFrames(p, node).map((f) => p.frames[f]!.name).join(";");

describe("perf script frame lines", () => {
  it("reads V8 perf-map JS frames of every tier and the older LazyCompile spelling", () => {
    expect(parsePerfFrameText("JS:*hot /tmp/spin.js:1:13+0xa0 (/tmp/perf-1797.map)")).toEqual({ name: "hot", file: "/tmp/spin.js", line: 1, column: 13, kind: "js" });
    expect(parsePerfFrameText("JS:~warm file:///srv/app.mjs:20:5+0x3 (/tmp/perf-9.map)")).toMatchObject({ name: "warm", file: "file:///srv/app.mjs", line: 20, column: 5 });
    expect(parsePerfFrameText("JS:^base /a.js:2:1 (/tmp/perf-9.map)")).toMatchObject({ name: "base", line: 2 });
    expect(parsePerfFrameText("LazyCompile:*old /b.js:7+0x10 (/tmp/perf-9.map)")).toMatchObject({ name: "old", file: "/b.js", line: 7, kind: "js" });
    expect(parsePerfFrameText("JS:* /c.js:3:9 (/tmp/perf-9.map)")).toMatchObject({ name: "(anonymous)", file: "/c.js", line: 3, column: 9 });
  });

  it("reads kernel, native and unknown frames", () => {
    expect(parsePerfFrameText("do_syscall_64+0x5c ([kernel.kallsyms])")).toEqual({ name: "do_syscall_64", file: "[kernel.kallsyms]", kind: "kernel" });
    expect(parsePerfFrameText("ASN1_mbstring_ncopy+0x358 (/usr/bin/node)")).toEqual({ name: "ASN1_mbstring_ncopy", file: "/usr/bin/node", kind: "native" });
    expect(parsePerfFrameText("v8::internal::Heap::Scavenge(int, char)+0x1f (/usr/bin/node)")).toMatchObject({ name: "v8::internal::Heap::Scavenge(int, char)", file: "/usr/bin/node" });
    expect(parsePerfFrameText("[unknown] ([unknown])")).toEqual({ name: "[unknown]", file: "[unknown]", kind: "other" });
    expect(parsePerfFrameText("Builtin:ArrayMap+0x4 (/tmp/perf-1.map)")).toMatchObject({ name: "Builtin:ArrayMap", kind: "native" });
  });
});

describe("perf script sample headers", () => {
  it("reads the common layouts", () => {
    expect(parsePerfHeader("simple-terminat    10 198792.736893:    1001001 cpu-clock:")).toEqual({ comm: "simple-terminat", tid: 10, time: 198792736893, period: 1001001, event: "cpu-clock" });
    expect(parsePerfHeader("simple-terminat     9/9     198791.127353: cpu-clock: ")).toMatchObject({ pid: 9, tid: 9, event: "cpu-clock" });
    expect(parsePerfHeader("swapper     0 [001] 202513.231817:    1001001 cpu-clock: ")).toMatchObject({ comm: "swapper", tid: 0, cpu: 1 });
    expect(parsePerfHeader("V8 WorkerThread 42/43 [003] 5.5: 250000 task-clock:ppp:")).toMatchObject({ comm: "V8 WorkerThread", pid: 42, tid: 43, time: 5_500_000, event: "task-clock:ppp" });
    expect(parsePerfHeader("node 77 12.000001: cycles:  4011a2 main+0x2 (/usr/bin/node)")).toMatchObject({ event: "cycles", inline: "4011a2 main+0x2 (/usr/bin/node)" });
    expect(parsePerfHeader("just some words")).toBeNull();
  });
});

const TWO_THREADS = [
  "# comment header",
  "app 5/5 1.000000: 1000 cpu-clock:",
  "\t  4000 leaf (/bin/app)",
  "\t  3000 main (/bin/app)",
  "",
  "app 5/6 1.000500: 1000 cpu-clock:",
  "\t  5000 worker (/bin/app)",
  "",
  "app 5/5 1.001000: 1000 cpu-clock:",
  "\t  4000 leaf (/bin/app)",
  "\t  3000 main (/bin/app)",
  "",
  "app 5/5 1.002000: 1000 cpu-clock:",
  "\t  3100 main (/bin/app)",
  "",
].join("\n");

describe("importing perf script", () => {
  it("keeps every thread in the single profile and splits them on request", () => {
    const p = importFromPerfScript(TWO_THREADS, { fileName: "t.txt" })!;
    expect(p.unit).toBe("microseconds");
    expect(p.samples.stack.map((n) => names(p, n))).toEqual(["main;leaf", "worker", "main;leaf", "main"]);
    // Thread 5: samples at 0, 1000, 2000 µs → 500, 1000, 500. Thread 6 alone: its period, 1 µs.
    expect(p.samples.weight).toEqual([500, 1, 1000, 500]);
    const threads = splitPerfScriptByThread(TWO_THREADS)!;
    expect(threads.map((t) => t.name)).toEqual(["app pid: 5 tid: 5", "app pid: 5 tid: 6"]);
    expect(threads[0]!.profile.samples.weight).toEqual([500, 1000, 500]);
  });

  it("weights by sample count or period on request", () => {
    expect(importFromPerfScript(TWO_THREADS, { weighting: "samples" })!.samples.weight).toEqual([1, 1, 1, 1]);
    const byPeriod = importFromPerfScript(TWO_THREADS, { weighting: "period" })!;
    expect(byPeriod.unit).toBe("nanoseconds");
    expect(byPeriod.samples.weight).toEqual([1000, 1000, 1000, 1000]);
  });

  it("streams chunks cut anywhere to the same result, and folds stacks", async () => {
    const streamed = await importFromPerfScriptStream(chunksOf(TWO_THREADS, 7), { fileName: "t.txt" });
    expect(streamed).toEqual(importFromPerfScript(TWO_THREADS, { fileName: "t.txt" }));
    const folded = await foldPerfScriptStream(chunksOf(TWO_THREADS, 5));
    expect([...folded].sort()).toEqual([["main", 1], ["main;leaf", 2], ["worker", 1]]);
  });

  it("decodes UTF-8 symbols split across chunks, and ASCII chunks after them", async () => {
    const text = ["app 5/5 1.000000: 1000 cpu-clock:", "\t  4000 größe_€ (/bin/äpp)", "\t  3000 main (/bin/app)", "", "app 5/5 1.001000: 1000 cpu-clock:", "\t  4000 plain (/bin/app)", "\t  3000 main (/bin/app)", ""].join("\n");
    const whole = importFromPerfScript(text, { fileName: "u.txt" })!;
    expect(whole.frames.map((f) => f.name)).toContain("größe_€");
    for (const size of [1, 2, 3, 5, 64]) expect(await importFromPerfScriptStream(chunksOf(text, size), { fileName: "u.txt" })).toEqual(whole);
  });

  it("decodes a stray UTF-8 lead byte at a chunk's end as U+FFFD, where it stood", async () => {
    const head = Buffer.from("app 5/5 1.000000: 1000 cpu-clock:\n\t  4000 bad");
    const tail = Buffer.from(" (/bin/app)\n\t  3000 main (/bin/app)\n\n");
    const bytes = Buffer.concat([head, Buffer.from([0xc3]), tail]);
    async function* cut(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, head.length + 1);
      yield bytes.subarray(head.length + 1);
    }
    const p = await importFromPerfScriptStream(cut());
    expect(p.frames.map((f) => f.name)).toEqual(["main", "bad\ufffd"]);
  });

  it("does not reuse the previous sample's next line when only its length matches", () => {
    const sample = (mid: string): string => `node 1/1 1.0: 1 cpu-clock:\n\t  1000 leaf (/bin/app)\n\t  2000 ${mid} (/bin/app)\n\t  3000 main (/bin/app)\n\n`;
    const p = importFromPerfScript([sample("midA"), sample("midB"), sample("midA")].join(""), { weighting: "samples" })!;
    expect(p.samples.stack.map((n) => names(p, n))).toEqual(["main;midA;leaf", "main;midB;leaf", "main;midA;leaf"]);
  });

  it("tells apart lines that share an address but not a symbol (JIT code reused in place)", () => {
    const sample = (leaf: string): string => `node 1/1 1.0: 1 cpu-clock:\n\t  7f00 ${leaf} (/tmp/perf-1.map)\n\t  3000 main (/bin/app)\n\n`;
    const text = [sample("JS:*a /x.js:1:1"), sample("JS:*b /x.js:2:1"), sample("JS:*a /x.js:1:1"), sample("JS:*b /x.js:2:1")].join("");
    const p = importFromPerfScript(text, { weighting: "samples" })!;
    expect(p.samples.stack.map((n) => names(p, n))).toEqual(["main;a", "main;b", "main;a", "main;b"]);
  });

  it("returns null for other text and throws MALFORMED_INPUT with the line when it breaks", async () => {
    expect(importFromPerfScript("a;b;c 3\n")).toBeNull();
    const broken = `${TWO_THREADS}this line is not a header\n\t 1 x (/y)\n`;
    const err = await importFromPerfScriptStream(chunksOf(broken, 11), { fileName: "cut.txt" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PerfError);
    expect((err as PerfError).code).toBe("MALFORMED_INPUT");
    expect((err as PerfError).where).toEqual({ file: "cut.txt", line: 15 });
  });
});

const perfWorks = spawnSync("perf", ["--version"]).status === 0;

describe.skipIf(!perfWorks)("real perf output from this machine", () => {
  it("finds the hot JS function with its file and line in `perf record` of node --perf-basic-prof", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "perfscope-perf-"));
    try {
      const script = path.join(dir, "spin.js");
      writeFileSync(script, "function hot(n){let s=0;for(let i=0;i<n;i++)s+=Math.sqrt(i)*Math.sin(i);return s}\nconst end=Date.now()+700;let x=0;while(Date.now()<end)x+=hot(1e5);\n");
      const rec = spawnSync("perf", ["record", "-F", "499", "-g", "-o", path.join(dir, "p.data"), process.execPath, "--perf-basic-prof", "--no-logfile-per-isolate", `--logfile=${path.join(dir, "v8.log")}`, script], { encoding: "utf8" });
      expect(rec.status, rec.stderr).toBe(0);
      const text = execFileSync("perf", ["script", "-i", path.join(dir, "p.data")], { encoding: "utf8", maxBuffer: 1 << 28 });
      // node wrote /tmp/perf-<pid>.map for perf; it is ours to remove.
      const nodePid = /^\S+\s+(\d+)/m.exec(text)?.[1];
      if (nodePid) rmSync(`/tmp/perf-${nodePid}.map`, { force: true });
      writeFileSync(path.join(dir, "out.txt"), text);
      const p = importFromPerfScript(readFileSync(path.join(dir, "out.txt"), "utf8"))!;
      const hot = p.frames.find((f) => f.name === "hot" && f.file === script);
      expect(hot).toMatchObject({ line: 1, kind: "js" });
      expect(p.frames.some((f) => f.kind === "native" && f.file === process.execPath)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
