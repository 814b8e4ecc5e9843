/**
 * The policy checks of the brokered calls the skills use: each refusal happens before
 * anything starts, names what was refused, and is listed in the result's denials. Nothing
 * here may run a command, connect, or read a store the operator did not choose.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EMPTY_POLICY, expectStillServing, removeWorkspaces, runIn } from "./test-helpers/sandbox-fixtures.js";

const root = mkdtempSync(join(tmpdir(), "perfscope-broker-root-"));
const pwned = join(tmpdir(), `perfscope-broker-pwned-${process.pid}`);
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await removeWorkspaces();
});

const policy = { ...EMPTY_POLICY, allowedCommands: ["node server.js"], allowedTargets: ["http://127.0.0.1:9"] };

/** Runs one call in a script that prints the error code and message. */
async function refusal(call: string, services: { root?: string; rumStore?: string } = { root }): Promise<{ output: string; denials: string[] }> {
  const r = await runIn(`try { await ${call}; console.log("allowed"); } catch (e) { console.log((e as any).code, (e as Error).message); }`, { policy, services });
  expect(r.state).toBe("ok");
  return { output: r.output, denials: r.denials };
}

describe.concurrent("brokered calls: what the policy refuses", () => {
  it("findBreakingPointForTarget: only at allowed targets, with sane levels", async () => {
    const off = await refusal(`perf.findBreakingPointForTarget({ target: "http://127.0.0.1:8/" }, [1, 2], "concurrency")`);
    expect(off.output).toMatch(/^PERMISSION_DENIED .*http:\/\/127\.0\.0\.1:8\/ is not in allowedTargets/);
    expect(off.denials).toHaveLength(1);
    const levels = await refusal(`perf.findBreakingPointForTarget({ target: "http://127.0.0.1:9/" }, [], "concurrency")`);
    expect(levels.output).toMatch(/^USAGE findBreakingPointForTarget needs 1–20 positive levels/);
  });

  it("benchmarkVersions: refs of the root's repository only, no option-like refs, no other folder, no build unless allowed", async () => {
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], cwd: "/etc" })`)).output).toMatch(/^PERMISSION_DENIED .*choosing the repository/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["--output=/tmp/x"] })`)).output).toMatch(/^USAGE Not a git ref: "--output=\/tmp\/x"/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], paths: ["../.."] })`)).output).toMatch(/^PERMISSION_DENIED .*outside the server root/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], build: "touch ${pwned}" })`)).output).toMatch(/^PERMISSION_DENIED .*the build command "touch/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"] })`, {})).output).toMatch(/^PERMISSION_DENIED .*needs the server's root/);
    // The working tree holds the scripts' own workspaces: a bench file written there would run unconfined.
    expect((await refusal(`perf.benchmarkVersions({ versions: ["."] })`)).output).toMatch(/^PERMISSION_DENIED .*the working tree/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], paths: [process.cwd() + "/x.bench.mjs"] })`)).output).toMatch(/^PERMISSION_DENIED .*bench paths/);
    expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], paths: ["bench/../.perfscope/x.mjs"] })`)).output).toMatch(/^PERMISSION_DENIED .*bench paths/);
    // An allowed prefix followed by shell syntax: the build runs through sh, so it is refused.
    for (const build of [`node server.js ; touch ${pwned}`, `node server.js $(touch ${pwned})`, `node server.js && touch ${pwned}`]) {
      expect((await refusal(`perf.benchmarkVersions({ versions: ["v1"], build: ${JSON.stringify(build)} })`)).output).toMatch(/^PERMISSION_DENIED .*shell syntax/);
    }
    expect(existsSync(pwned)).toBe(false);
  });

  it("watchMemory and findLeaks: allowed commands only, never a running process, never a shell action", async () => {
    expect((await refusal(`perf.watchMemory({ target: { process: "node" }, duration: 1 })`)).output).toMatch(/^PERMISSION_DENIED .*the process named "node"/);
    expect((await refusal(`perf.watchMemory({ target: ${process.pid}, duration: 1 })`)).output).toMatch(new RegExp(`^PERMISSION_DENIED .*watching pid ${process.pid}`));
    // An allowed command next to a pid: the library would attach to the pid, so the pair is refused.
    expect((await refusal(`perf.watchMemory({ target: { command: "node server.js", pid: ${process.pid} }, duration: 1 })`)).output).toMatch(new RegExp(`^PERMISSION_DENIED .*watching pid ${process.pid}`));
    expect((await refusal(`perf.watchMemory({ target: "sh -c 'touch ${pwned}'", duration: 1 })`)).output).toMatch(/^PERMISSION_DENIED .*running the command "sh -c/);
    expect((await refusal(`perf.watchMemory({ target: "node server.js", duration: 1, load: { target: "http://10.0.0.1/" } })`)).output).toMatch(/^PERMISSION_DENIED .*http:\/\/10\.0\.0\.1\/ is not in allowedTargets/);
    expect((await refusal(`perf.findLeaks({ target: ["node", "server.js"], action: "touch ${pwned}" })`)).output).toMatch(/^PERMISSION_DENIED .*action other than \{ load \}/);
    expect((await refusal(`perf.findLeaks({ target: ${process.pid}, action: { load: { target: "http://127.0.0.1:9/" } } })`)).output).toMatch(/^PERMISSION_DENIED .*findLeaks on a running process/);
    expect(existsSync(pwned)).toBe(false);
  });

  it("runLoadTest: request URLs are checked as the engine resolves them", async () => {
    expect((await refusal(`perf.runLoadTest({ target: "http://127.0.0.1:9/", requests: [{ url: "//10.0.0.1/x" }], duration: 1 })`)).output).toMatch(/^PERMISSION_DENIED .*http:\/\/10\.0\.0\.1\/x is not in allowedTargets/);
  });

  it("runs four brokered calls at a time, queues 64 and turns away the rest", { timeout: 60_000 }, async () => {
    const code = `const calls = Array.from({ length: 100 }, () => perf.runLoadTest({ target: "http://127.0.0.1:9/", maxRequests: 1, concurrency: 1, workers: 1 }));
      const settled = await Promise.allSettled(calls);
      console.log(settled.filter((s) => s.status === "rejected" && (s.reason as any).code === "USAGE" && /already running or waiting/.test((s.reason as Error).message)).length);`;
    // 68 short load tests, four at a time: well over the helper's default 15 s on a busy machine.
    const r = await runIn(code, { policy, services: { root }, timeoutMs: 55_000 });
    expect(r.output).toBe("32\n");
  });

  it("keeps at most 20 refusals, each cut short, whatever the script sends", async () => {
    const r = await runIn(`for (let i = 0; i < 200; i++) await perf.runLoadTest({ target: "http://10.0.0.1/" + "a".repeat(5000) }).catch(() => undefined); console.log("done");`, { policy, services: { root } });
    expect(r.output).toBe("done\n");
    expect(r.denials).toHaveLength(21);
    expect(r.denials.every((d) => d.length <= 301 + "runLoadTest: ".length)).toBe(true);
    expect(r.denials[20]).toMatch(/further refusals not listed/);
  });

  it("getRumData: the operator's store only", async () => {
    const r = await refusal(`perf.getRumData({ metric: "LCP", store: "/etc/passwd" })`);
    expect(r.output).toMatch(/^PERMISSION_DENIED .*choosing the RUM store/);
    // Without a store argument it reads the root's default store (empty here): no data, no error.
    const ok = await runIn(`const r = await perf.getRumData({ metric: "LCP", timeRange: "24h" }); console.log(r.metrics.LCP.count);`, { policy, services: { root } });
    expect(ok.output).toBe("0\n");
    expect(existsSync(join(root, ".perfscope", "rum.sqlite"))).toBe(true);
    await expectStillServing();
  });
});
