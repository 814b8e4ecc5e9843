import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_POLICY, expectStillServing, removeWorkspaces, runIn, startCountingServer } from "./test-helpers/sandbox-fixtures.js";

let http: Awaited<ReturnType<typeof startCountingServer>>;
let outside: string;
beforeAll(async () => {
  http = await startCountingServer();
  outside = await mkdtemp(join(tmpdir(), "perfscope-sbx-readpath-"));
  await writeFile(join(outside, "notes.txt"), "allowed text\n");
});
afterAll(async () => {
  http.server.close();
  await rm(outside, { recursive: true, force: true });
  await removeWorkspaces();
});

describe.concurrent("runScript: scripts that work", () => {
  it("runs TypeScript with top-level await, analyses a profile from the workspace, and lists the files it wrote", async () => {
    const { makeWorkspace } = await import("./test-helpers/sandbox-fixtures.js");
    const workspace = await makeWorkspace();
    // 30 samples in parse, 10 in render: parse must come out as the heaviest self time.
    await writeFile(join(workspace, "app.collapsed"), "main;load;parse 30\nmain;draw;render 10\n");
    const r = await runIn(
      `
      interface Top { name: string; self: number }
      const profile = await perf.importProfileFile("app.collapsed");
      const stats = perf.computeFunctionStats(profile);
      const top: Top[] = stats
        .map((s) => ({ name: profile.frames[s.frame]!.name, self: s.self }))
        .sort((a, b) => b.self - a.self);
      await new Promise((r) => setTimeout(r, 5));
      const fs = await import("node:fs/promises");
      await fs.mkdir("out");
      await fs.writeFile("out/top.json", JSON.stringify(top[0]));
      console.log(top[0]);
      console.log(typeof performance_mcp.analyzeProfile, performance_mcp === perf);
    `,
      { workspace },
    );
    expect(r.message).toBeUndefined();
    expect(r.state).toBe("ok");
    expect(r.output).toBe("{ name: 'parse', self: 30 }\nfunction true\n");
    expect(r.files).toEqual([{ path: "out/top.json", bytes: Buffer.byteLength('{"name":"parse","self":30}') }]);
    expect(JSON.parse(await readFile(join(workspace, "out/top.json"), "utf8"))).toEqual({ name: "parse", self: 30 });
    expect(r.confinement).toEqual(expect.arrayContaining(["permission-model", "net-namespace", "pid-namespace"]));
  });

  it("reports a syntax error with its TypeScript line, and a runtime error at the line of the TypeScript source", async () => {
    const syntax = await runIn("const a: number = 1;\nconst b = (;\n");
    expect(syntax.state).toBe("error");
    expect(syntax.line).toBe(2);
    expect(syntax.message).toMatch(/does not compile/);
    // Type-only lines vanish in the JavaScript, so a correct line proves the source map is used.
    const runtime = await runIn("type A = {\n  x: number;\n};\nconst o: A | null = null as A | null;\nconsole.log('before');\nconsole.log((o as A).x);\n");
    expect(runtime.state).toBe("error");
    expect(runtime.line).toBe(6);
    expect(runtime.message).toMatch(/TypeError/);
    expect(runtime.output).toBe("before\n");
  });

  it("brokers runLoadTest to an allowed loopback server and refuses one not allowed", async () => {
    const before = http.connections();
    const allowed = await runIn(
      `const r = await perf.runLoadTest({ target: "http://127.0.0.1:${http.port}/", maxRequests: 20, concurrency: 2, workers: 1 });
       console.log(r.requests.completed, r.requests.ok, r.statusCodes);`,
      { policy: { ...EMPTY_POLICY, allowedTargets: [`http://127.0.0.1:${http.port}`] } },
    );
    expect(allowed.message).toBeUndefined();
    expect(allowed.output).toBe("20 20 { '200': 20 }\n");
    expect(http.connections()).toBeGreaterThan(before);

    const refused = await runIn(`await perf.runLoadTest({ target: "http://127.0.0.1:${http.port}/", maxRequests: 5 });`, {
      policy: { ...EMPTY_POLICY, allowedTargets: ["http://127.0.0.1:1"] },
    });
    expect(refused.state).toBe("denied");
    expect(refused.message).toContain(`load test target http://127.0.0.1:${http.port}/ is not in allowedTargets`);
    expect(refused.denials).toHaveLength(1);
  });

  it("reads a file outside the workspace only under an allowed readPath, and copies it in", async () => {
    const policy = { ...EMPTY_POLICY, readPaths: [outside] };
    const r = await runIn(
      `const t = await perf.readTextFile(${JSON.stringify(join(outside, "notes.txt"))});
       console.log(JSON.stringify(t.text));
       const copied = await perf.copyToWorkspace(${JSON.stringify(join(outside, "notes.txt"))});
       console.log(copied, (await import("node:fs")).readFileSync(copied, "utf8").trim());
       try { await perf.readTextFile("/etc/hostname"); } catch (e) { console.log(e.code); }`,
      { policy },
    );
    expect(r.message).toBeUndefined();
    expect(r.output).toBe('"allowed text\\n"\nnotes.txt allowed text\nPERMISSION_DENIED\n');
    expect(r.files).toEqual([{ path: "notes.txt", bytes: 13 }]);
    expect(r.denials.join()).toContain("/etc/hostname");
  });

  it("brokers profile for an allowed command and copies its artifacts into the workspace", async () => {
    const busy = "let s = 0; const end = Date.now() + 400; while (Date.now() < end) for (let i = 0; i < 1e5; i++) s += Math.sqrt(i); console.log(s > 0)";
    const r = await runIn(
      `const r = await perf.profile({ target: ["node", "-e", ${JSON.stringify(busy)}], sampleRate: 500 });
       console.log(r.exitCode, r.files.length > 0, r.files.every((f: string) => f.startsWith("profile/")), r.profile.samples.stack.length > 0);`,
      { policy: { ...EMPTY_POLICY, allowedCommands: ["node -e"] } },
    );
    expect(r.message).toBeUndefined();
    expect(r.output).toBe("0 true true true\n");
    expect(r.files.length).toBeGreaterThan(0);
    expect(r.files.every((f) => f.path.startsWith("profile/") && f.bytes > 0)).toBe(true);
  });

  it("stops a run when its AbortSignal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2500);
    const r = await runIn("console.log('started'); await new Promise(() => setInterval(() => {}, 1000));", { signal: controller.signal });
    expect(r.state).toBe("cancelled");
    expect(r.output).toBe("started\n");
    expect(r.durationMs).toBeLessThan(5000);
    await expectStillServing();
  });
});
