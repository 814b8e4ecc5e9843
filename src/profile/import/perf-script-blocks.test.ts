import { describe, expect, it } from "vitest";
import { foldProfileStacks } from "../export/collapsed.js";
import { importFromPerfScript, importFromPerfScriptStream } from "./perf-script.js";

/** One perf script sample: leaf first, as perf prints it. */
function sample(time: number, leafAddr: number, frames: string[]): string {
  const lines = frames.map((f, i) => `\t${(i === 0 ? leafAddr : 0x1000 + f.length * 16 + i).toString(16).padStart(16)} ${f}+0x${(i === 0 ? leafAddr & 0xff : 0x10 + i).toString(16)} (/usr/bin/app)`);
  return `app 10/10 ${time.toFixed(6)}: 1000 cpu-clock:\n${lines.join("\n")}\n\n`;
}

// Chunks of a few bytes: every line arrives through the carry, so caller blocks never apply;
// this is the line-by-line reference the block shortcut must agree with.
async function* tinyChunks(text: string): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text);
  for (let i = 0, n = 1; i < buf.length; i += n, n = (n % 7) + 1) yield buf.subarray(i, i + n);
}

describe("perf script caller blocks", () => {
  it("reuses a repeated call path but never a different one under the same leaf", () => {
    const text = [
      sample(1, 0x5001, ["leaf", "x", "y", "z"]),
      sample(2, 0x5002, ["leaf", "x", "y", "z"]), // same callers: taken as one block
      sample(3, 0x5003, ["leaf", "x", "y", "w"]), // same leaf, one caller differs
      sample(4, 0x5004, ["leaf", "x", "y", "z", "root"]), // the block, then one line more
      sample(5, 0x5005, ["leaf", "x", "y"]), // shorter than the block
      sample(6, 0x5006, ["leaf", "x", "y", "z"]),
    ].join("");
    const folded = foldProfileStacks(importFromPerfScript(text, { weighting: "samples" })!);
    expect(Object.fromEntries(folded)).toEqual({ "z;y;x;leaf": 3, "w;y;x;leaf": 1, "root;z;y;x;leaf": 1, "y;x;leaf": 1 });
  });

  it("gives the same profile as line-by-line reading on many random call paths", async () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const names = Array.from({ length: 12 }, (_, i) => `fn${i}`);
    const paths = Array.from({ length: 40 }, () => Array.from({ length: 2 + Math.floor(rand() * 8) }, () => names[Math.floor(rand() * names.length)]!));
    let text = "";
    for (let i = 0; i < 3000; i++) text += sample(i / 1000, 0x4000 + Math.floor(rand() * 4096), paths[Math.floor(rand() * paths.length)]!);
    const whole = importFromPerfScript(text, { weighting: "samples" })!;
    const lineByLine = await importFromPerfScriptStream(tinyChunks(text), { weighting: "samples" });
    expect(foldProfileStacks(whole)).toEqual(foldProfileStacks(lineByLine));
    expect(whole.samples.stack.length).toBe(3000);
  });
});
