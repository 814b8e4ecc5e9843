/**
 * Hostile scripts, part 3: the library object and the broker channel — tampering with
 * `perf`, polluting prototypes before a brokered call, forging or flooding broker
 * messages. The parent's own objects and policy must stay as they were.
 */
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_POLICY, expectStillServing, removeWorkspaces, runIn } from "./test-helpers/sandbox-fixtures.js";

afterAll(removeWorkspaces);

describe.concurrent("hostile scripts: the library and the broker", () => {
  it("replacing a library function, deleting one, or rebinding perf fails", async () => {
    const r = await runIn(
      `const tries: Record<string, string> = {};
       const attempt = (name: string, f: () => void) => { try { f(); tries[name] = "changed"; } catch (e) { tries[name] = (e as Error).name; } };
       attempt("assign", () => { (perf as any).runLoadTest = async () => "fake"; });
       attempt("delete", () => { delete (perf as any).median; });
       attempt("nested", () => { (perf as any).COMPLEXITY_MODELS.push("x"); });
       attempt("rebind", () => { (globalThis as any).perf = {}; });
       attempt("alias", () => { (globalThis as any).performance_mcp = {}; });
       console.log(JSON.stringify(tries), typeof perf.median, perf.median([1, 2, 3]));`,
    );
    expect(r.state).toBe("ok");
    expect(r.output).toBe('{"assign":"TypeError","delete":"TypeError","nested":"TypeError","rebind":"TypeError","alias":"TypeError"} function 2\n');
    await expectStillServing();
  });

  it("polluting Object.prototype before a brokered call neither widens the policy nor reaches the parent", async () => {
    const r = await runIn(
      `(Object.prototype as any).allowedTargets = ["http://10.0.0.1"];
       (Object.prototype as any).allowRemote = true;
       (Object.prototype as any).target = "http://10.0.0.1/";
       await perf.runLoadTest({ maxRequests: 1, target: "http://10.0.0.1/" });`,
    );
    expect(r.state).toBe("denied");
    expect(r.message).toContain("http://10.0.0.1/ is not in allowedTargets");
    const probe = {} as Record<string, unknown>;
    expect(probe.allowedTargets).toBeUndefined();
    expect(probe.target).toBeUndefined();
    expect(Object.keys(EMPTY_POLICY)).toEqual(["allowedTargets", "allowedCommands", "readPaths"]);
    await expectStillServing();
  });

  it("profiling a command not allowed, or a running process, is refused", async () => {
    const command = await runIn(`await perf.profile({ target: "sh -c 'touch /tmp/perfscope-sbx-pwned'" });`, { policy: { ...EMPTY_POLICY, allowedCommands: ["node"] } });
    expect(command.state).toBe("denied");
    expect(command.message).toContain('running the command "sh -c touch /tmp/perfscope-sbx-pwned"');
    const pid = await runIn(`await perf.profile({ target: ${process.pid} });`, { policy: { ...EMPTY_POLICY, allowedCommands: ["node"] } });
    expect(pid.state).toBe("denied");
    expect(pid.message).toContain(`profiling pid ${process.pid}`);
    await expectStillServing();
  });

  it("a forged broker message naming an unknown function is refused", async () => {
    // The runner owns fd 3; the script can still write raw bytes to it.
    const r = await runIn(
      `const fs = await import("node:fs");
       fs.writeSync(3, JSON.stringify({ t: "call", id: 99, fn: "startShell", args: [] }) + "\\n");
       await new Promise((r) => setTimeout(r, 500));
       console.log("still here");`,
    );
    expect(r.state).toBe("ok");
    expect(r.output).toBe("still here\n");
    expect(r.denials.join()).toContain('unknown brokered function "startShell"');
    await expectStillServing();
  });

  it("junk or an oversized message on the broker channel gets the script killed", async () => {
    const junk = await runIn(`(await import("node:fs")).writeSync(3, "not json\\n"); await new Promise((r) => setTimeout(r, 5000));`);
    expect(junk.state).toBe("denied");
    expect(junk.message).toContain("not a sandbox message");
    const flood = await runIn(`const fs = await import("node:fs"); const chunk = "x".repeat(65536); let sent = 0;
       // fd 3 is non-blocking: retry when the socket buffer is full, until 2 MB are out.
       while (sent < 2 * 1024 * 1024) { try { sent += fs.writeSync(3, chunk); } catch { await new Promise((r) => setTimeout(r, 5)); } }
       await new Promise((r) => setTimeout(r, 5000));`);
    expect(flood.state).toBe("denied");
    expect(flood.message).toContain("exceeded 1048576 bytes");
    await expectStillServing();
  });
});
