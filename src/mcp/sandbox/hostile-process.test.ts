/**
 * Hostile scripts, part 1: the script's own process — loops, memory, exits, signals,
 * outliving its limit, printing without end. Each is contained, reported with the right
 * state, and a plain script runs fine right after.
 */
import { afterAll, describe, expect, it } from "vitest";
import { expectStillServing, removeWorkspaces, runIn } from "./test-helpers/sandbox-fixtures.js";

afterAll(removeWorkspaces);

describe.concurrent("hostile scripts: the script's own process", () => {
  it("endless loop → timeout at the limit", async () => {
    const r = await runIn("console.log('spinning'); for (;;) {}", { timeoutMs: 2000 });
    expect(r.state).toBe("timeout");
    expect(r.signal).toBe("SIGKILL");
    expect(r.output).toBe("spinning\n");
    expect(r.durationMs).toBeGreaterThanOrEqual(2000);
    expect(r.durationMs).toBeLessThan(6000);
    await expectStillServing();
  });

  it("heap exhaustion → memory", async () => {
    const r = await runIn("const keep: unknown[] = []; for (;;) keep.push(new Array(100_000).fill({ x: 1 }));", { memoryMb: 64 });
    expect(r.state).toBe("memory");
    expect(r.message).toMatch(/memory/i);
    await expectStillServing();
  });

  it("buffers outside the V8 heap → memory (data rlimit)", async () => {
    const r = await runIn("const keep: Buffer[] = []; for (let i = 0; i < 100; i++) keep.push(Buffer.alloc(64 * 1024 * 1024, 1)); console.log('kept', keep.length);", { memoryMb: 64 });
    expect(r.state).toBe("memory");
    expect(r.output).not.toContain("kept");
    await expectStillServing();
  });

  it("process.exit(0) mid-run → ok, output before it kept, early exit said", async () => {
    const r = await runIn("console.log('before'); process.exit(0); console.log('after');");
    expect(r.state).toBe("ok");
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe("before\n");
    expect(r.message).toContain("process.exit(0)");
    await expectStillServing();
  });

  it("process.exit(3) mid-run → error with the exit code, output before it kept", async () => {
    const r = await runIn("console.log('before'); await new Promise((r) => setTimeout(r, 20)); process.exit(3);");
    expect(r.state).toBe("error");
    expect(r.exitCode).toBe(3);
    expect(r.output).toBe("before\n");
    expect(r.message).toContain("code 3");
    await expectStillServing();
  });

  it("signalling the server (its real pid, and the parent pid) reaches nothing outside", async () => {
    const r = await runIn(
      `try { process.kill(${process.pid}, "SIGKILL"); console.log("sent"); } catch (e) { console.log((e as NodeJS.ErrnoException).code); }
       console.log("ppid", process.ppid);`,
    );
    // In its own PID namespace the server's pid does not exist and the parent is pid 0.
    expect(r.output).toBe("ESRCH\nppid 0\n");
    expect(r.state).toBe("ok");
    await expectStillServing();
  });

  it("a setInterval keeping the process alive after the top level → killed at the limit", async () => {
    const r = await runIn("setInterval(() => console.log('tick'), 300); console.log('top level done');", { timeoutMs: 1500 });
    expect(r.state).toBe("timeout");
    expect(r.message).toContain("top level had finished");
    expect(r.output.startsWith("top level done\n")).toBe(true);
    await expectStillServing();
  });

  it("ignoring SIGTERM while busy and a detached promise chain → killed at the limit anyway", async () => {
    const r = await runIn(
      `process.on("SIGTERM", () => console.log("ignored"));
       void (async () => { for (;;) await new Promise((r) => setTimeout(r, 50)); })();
       console.log("detached");`,
      { timeoutMs: 1500 },
    );
    expect(r.state).toBe("timeout");
    expect(r.signal).toBe("SIGKILL");
    expect(r.output).toBe("detached\n");
    expect(r.durationMs).toBeLessThan(5000);
    await expectStillServing();
  });

  it("an unhandled rejection → error naming the rejection and its line", async () => {
    const r = await runIn("console.log('x');\nPromise.reject(new RangeError('nope'));\nawait new Promise((r) => setTimeout(r, 100));");
    expect(r.state).toBe("error");
    expect(r.message).toContain("Unhandled promise rejection: RangeError: nope");
    expect(r.line).toBe(2);
    expect(r.output).toBe("x\n");
    await expectStillServing();
  });

  it("100 MB printed → capped at 16 KiB with the cap said, quickly", async () => {
    const r = await runIn("const mb = 'x'.repeat(1024 * 1023) + '\\n'; for (let i = 0; i < 100; i++) process.stdout.write(mb); console.log('end');");
    expect(r.state).toBe("ok");
    expect(r.truncated).toBe(true);
    expect(r.outputBytes).toBe(100 * (1024 * 1023 + 1) + 4);
    expect(r.output).toContain("[output truncated: 99.9 MB printed, 16.0 KB shown]");
    expect(r.output.length).toBeLessThan(16_384 + 200);
    expect(r.durationMs).toBeLessThan(15_000);
    await expectStillServing();
  });

  it("a fork-bomb attempt (child_process.fork and Workers in a loop) starts nothing", async () => {
    const r = await runIn(
      `import { fork } from "node:child_process"; import { Worker } from "node:worker_threads";
       let started = 0; const codes = new Set<string>();
       for (let i = 0; i < 200; i++) {
         try { fork("bomb.mjs"); started++; } catch (e) { codes.add((e as NodeJS.ErrnoException).code ?? "?"); }
         try { new Worker("setInterval(()=>{},1000)", { eval: true }); started++; } catch (e) { codes.add((e as NodeJS.ErrnoException).code ?? "?"); }
       }
       console.log(started, [...codes]);`,
    );
    expect(r.output).toBe("0 [ 'ERR_ACCESS_DENIED' ]\n");
    expect(r.state).toBe("ok");
    await expectStillServing();
  });
});
