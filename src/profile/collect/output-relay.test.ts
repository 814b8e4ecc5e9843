import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CAPTURE_LIMIT_BYTES, OutputRelay, isInspectorLine } from "./output-relay.js";

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe("OutputRelay", () => {
  it("forwards the target's lines and drops the inspector's, also across chunk boundaries", async () => {
    const source = new PassThrough();
    const out = sink();
    const relay = new OutputRelay(source, "inherit", out.stream, isInspectorLine);
    const seen: string[] = [];
    relay.onLine((line) => seen.push(line));
    source.write("Debugger listening on ws://127.0.0.1:4000/ab");
    source.write("c\nFor help, see: https://nodejs.org/en/docs/inspector\nhello from the app\nDebugger attached.\n");
    source.end("Waiting for the debugger to disconnect...\nbye");
    await relay.whenEnded();
    expect(out.text()).toBe("hello from the app\nbye");
    expect(seen[0]).toBe("Debugger listening on ws://127.0.0.1:4000/abc");
    expect(relay.tail()).toBe("hello from the app\nbye");
  });

  it("captures in pipe mode up to the cap and says it was cut", async () => {
    const source = new PassThrough();
    const out = sink();
    const relay = new OutputRelay(source, "pipe", out.stream, () => false);
    const line = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < CAPTURE_LIMIT_BYTES / 1024 + 10; i++) source.write(line);
    source.end();
    await relay.whenEnded();
    expect(out.text()).toBe("");
    expect(relay.capture()).toMatch(/\[output truncated at 1048576 bytes\]\n$/);
    expect(relay.capture().length).toBeLessThan(CAPTURE_LIMIT_BYTES + 100);
  });
});
