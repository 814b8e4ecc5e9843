/**
 * Hostile scripts, part 2: reaching out — files outside the workspace, secrets, other
 * processes, native code, the inspector, the network. Each is refused and reported, the
 * outside world is checked to be untouched, and a plain script runs fine right after.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStillServing, makeWorkspace, removeWorkspaces, runIn, startCountingServer } from "./test-helpers/sandbox-fixtures.js";

let http: Awaited<ReturnType<typeof startCountingServer>>;
let outside: string;
beforeAll(async () => {
  http = await startCountingServer();
  outside = await mkdtemp(join(tmpdir(), "perfscope-sbx-outside-"));
  process.env.PERFSCOPE_SANDBOX_TEST_SECRET = "s3cret-value";
});
afterAll(async () => {
  http.server.close();
  delete process.env.PERFSCOPE_SANDBOX_TEST_SECRET;
  await rm(outside, { recursive: true, force: true });
  await removeWorkspaces();
});

describe.concurrent("hostile scripts: reaching outside", () => {
  it("writing to an absolute path outside the workspace → denied, nothing written", async () => {
    const target = join(outside, "absolute.txt");
    const r = await runIn(`(await import("node:fs")).writeFileSync(${JSON.stringify(target)}, "x");`);
    expect(r.state).toBe("denied");
    expect(r.message).toContain(`FileSystemWrite ${target}`);
    expect(existsSync(target)).toBe(false);
    await expectStillServing();
  });

  it("writing to ../ from the workspace → denied, nothing written", async () => {
    const workspace = await makeWorkspace();
    const name = `escape-${basename(workspace)}.txt`;
    const r = await runIn(`(await import("node:fs")).writeFileSync("../${name}", "x");`, { workspace });
    expect(r.state).toBe("denied");
    expect(existsSync(join(workspace, "..", name))).toBe(false);
    await expectStillServing();
  });

  it("creating a symlink that points out → denied; a planted one → the run is refused before it starts", async () => {
    const made = await runIn(`(await import("node:fs")).symlinkSync(${JSON.stringify(outside)}, "out");`);
    expect(made.state).toBe("denied");
    expect(made.message).toContain("ERR_ACCESS_DENIED");
    const workspace = await makeWorkspace();
    await symlink(outside, join(workspace, "planted"));
    const planted = await runIn(`(await import("node:fs")).writeFileSync("planted/x.txt", "x");`, { workspace });
    expect(planted.state).toBe("denied");
    expect(planted.message).toContain("symlinks leading outside it (planted)");
    expect(existsSync(join(outside, "x.txt"))).toBe(false);
    await expectStillServing();
  });

  it("reading /etc/shadow and the server's /proc/<pid>/environ → denied", async () => {
    const shadow = await runIn(`console.log((await import("node:fs")).readFileSync("/etc/shadow", "utf8"));`);
    expect(shadow.state).toBe("denied");
    expect(shadow.message).toContain("FileSystemRead /etc/shadow");
    const environ = await runIn(`console.log((await import("node:fs")).readFileSync("/proc/${process.pid}/environ", "utf8"));`);
    expect(environ.state).toBe("denied");
    expect(environ.output).not.toContain("s3cret-value");
    await expectStillServing();
  });

  it("process.env holds only the sandbox's own variables, none of the server's", async () => {
    const r = await runIn("console.log(JSON.stringify(Object.keys(process.env).sort()), JSON.stringify(process.env).includes('s3cret'));");
    expect(r.state).toBe("ok");
    expect(r.output).toBe('["HOME","LANG","PATH","TZ"] false\n');
    await expectStillServing();
  });

  it("child_process spawn and exec → denied", async () => {
    const spawned = await runIn(`(await import("node:child_process")).spawn("sh", ["-c", "touch ${outside}/spawned"]);`);
    expect(spawned.state).toBe("denied");
    const exec = await runIn(`(await import("node:child_process")).execSync("touch ${outside}/exec");`);
    expect(exec.state).toBe("denied");
    expect(existsSync(join(outside, "spawned")) || existsSync(join(outside, "exec"))).toBe(false);
    await expectStillServing();
  });

  it("worker_threads → denied", async () => {
    const r = await runIn(`const { Worker } = await import("node:worker_threads"); new Worker("1", { eval: true });`);
    expect(r.state).toBe("denied");
    expect(r.message).toContain("ERR_ACCESS_DENIED");
    await expectStillServing();
  });

  it("a native addon via process.dlopen → denied", async () => {
    const r = await runIn(`const m = { exports: {} }; process.dlopen(m, "addon.node");`);
    expect(r.state).toBe("denied");
    expect(r.message).toContain("ERR_DLOPEN_DISABLED");
    await expectStillServing();
  });

  it("process.binding → denied", async () => {
    const r = await runIn(`(process as unknown as { binding(n: string): unknown }).binding("spawn_sync");`);
    expect(r.state).toBe("denied");
    expect(r.message).toContain("process.binding");
    await expectStillServing();
  });

  it("opening the inspector → denied", async () => {
    const r = await runIn(`const inspector = await import("node:inspector"); inspector.open(0, "127.0.0.1");`);
    expect(r.state).toBe("denied");
    expect(r.message).toContain("ERR_ACCESS_DENIED");
    await expectStillServing();
  });

  it("net.connect and fetch to a real listening loopback port → unreachable, no connection arrives", async () => {
    const before = http.connections();
    const r = await runIn(
      `const net = await import("node:net");
       const code = await new Promise((resolve) => { const s = net.connect(${http.port}, "127.0.0.1", () => resolve("connected")); s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code)); });
       console.log(code);
       try { await fetch("http://127.0.0.1:${http.port}/"); console.log("fetched"); } catch (e) { console.log("fetch failed", ((e as Error).cause as NodeJS.ErrnoException).code); }`,
    );
    expect(r.state).toBe("ok");
    expect(r.output).toBe("ENETUNREACH\nfetch failed ENETUNREACH\n");
    expect(http.connections()).toBe(before);
    await expectStillServing();
  });

  it("fetch to a remote IP and a DNS lookup → fail without a network", async () => {
    const r = await runIn(
      `try { await fetch("http://1.1.1.1/"); console.log("fetched"); } catch (e) { console.log("fetch", ((e as Error).cause as NodeJS.ErrnoException).code); }
       try { await (await import("node:dns/promises")).lookup("registry.npmjs.org"); console.log("resolved"); } catch (e) { console.log("dns", (e as NodeJS.ErrnoException).code); }`,
    );
    expect(r.state).toBe("ok");
    expect(r.output).toBe("fetch ENETUNREACH\ndns EAI_AGAIN\n");
    await expectStillServing();
  });
});
