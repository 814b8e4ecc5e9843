/**
 * run_script through a real MCP server and SDK client (in-process transport): TypeScript
 * with top-level await, files linked from the run folder, the output cap, progress
 * notifications, cancellation from the client, and hostile scripts after which the server
 * still answers.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, startScriptServer, textOf, type ScriptServer } from "../skills/test-helpers/script-server.js";

let s: ScriptServer;
beforeAll(async () => {
  s = await startScriptServer({ progressIntervalMs: 300, maxTimeoutMs: 30_000 });
});
afterAll(async () => s?.close());

async function expectStillAnswering(): Promise<void> {
  const r = await callTool(s.client, "run_script", { code: "console.log('alive', perf.median([4, 1, 9]));" });
  expect(r.isError).toBeFalsy();
  expect(textOf(r)).toBe("alive 4\n");
}

describe.concurrent("run_script (MCP)", () => {
  it("runs TypeScript with top-level await; the text is what it printed; written files are links into its run folder", async () => {
    const code = `
      interface Row { name: string; self: number }
      const rows: Row[] = [{ name: "parse", self: 30 }, { name: "render", self: 10 }];
      await new Promise((r) => setTimeout(r, 10));
      const fs = await import("node:fs/promises");
      await fs.mkdir("out");
      await fs.writeFile("out/summary.json", JSON.stringify(rows));
      console.log(\`heaviest: \${rows[0]!.name}\`, typeof performance_mcp.detectLeak);`;
    const r = await callTool(s.client, "run_script", { code });
    expect(r.isError).toBeFalsy();
    expect(textOf(r)).toBe("heaviest: parse function\n");
    const st = r.structuredContent!;
    expect(st.state).toBe("ok");
    expect(JSON.stringify(st)).not.toContain("heaviest"); // the output travels once, as text
    const workspace = st.workspace as string;
    expect(workspace.startsWith(join(s.root, ".perfscope", "runs") + sep)).toBe(true);
    expect(workspace).toMatch(/-script-\d+$/);
    const link = r.content.find((c) => c.type === "resource_link")!;
    expect(link.name).toBe("out/summary.json");
    expect(JSON.parse(readFileSync(fileURLToPath(link.uri!), "utf8"))).toEqual([{ name: "parse", self: 30 }, { name: "render", self: 10 }]);
    const written = Buffer.byteLength(JSON.stringify([{ name: "parse", self: 30 }, { name: "render", self: 10 }]));
    expect(st.files).toEqual([{ path: "out/summary.json", bytes: written }]);
    expect(fileURLToPath(link.uri!)).toBe(join(workspace, "out", "summary.json"));
  });

  it("caps the output at 16 KiB and says so", async () => {
    const r = await callTool(s.client, "run_script", { code: `for (let i = 0; i < 2000; i++) console.log("row " + i + " " + "x".repeat(90));` });
    const text = textOf(r);
    expect(r.structuredContent!.truncated).toBe(true);
    expect(r.structuredContent!.outputBytes).toBeGreaterThan(190_000);
    expect(text).toMatch(/\[output truncated: .* printed, 16(\.0)? KB shown\]/);
    expect(Buffer.byteLength(text)).toBeLessThan(16 * 1024 + 200);
  });

  it("sends progress notifications while a script runs, when the client asked for them", async () => {
    const seen: number[] = [];
    const r = await callTool(s.client, "run_script", { code: "await new Promise((r) => setTimeout(r, 1500)); console.log('done');" }, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(r)).toBe("done\n");
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it("a cancelled request kills its script: the file it would write later never appears", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const marker = `late-${Date.now()}.txt`;
    const call = callTool(s.client, "run_script", { code: `await new Promise((r) => setTimeout(r, 2500)); (await import("node:fs")).writeFileSync(${JSON.stringify(marker)}, "x");` }, { signal: controller.signal });
    await expect(call).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 3000));
    const runs = join(s.root, ".perfscope", "runs");
    expect(readdirSync(runs).some((d) => existsSync(join(runs, d, marker)))).toBe(false);
    await expectStillAnswering();
  });

  it("hostile scripts: reading outside, spinning forever, exhausting memory — each is stopped and reported, and the server answers the next call", async () => {
    const read = await callTool(s.client, "run_script", { code: `console.log((await import("node:fs")).readFileSync("/etc/passwd", "utf8"));` });
    expect(read.isError).toBe(true);
    expect(read.structuredContent!.state).toBe("denied");
    expect(textOf(read)).not.toContain("root:");
    const spin = await callTool(s.client, "run_script", { code: "console.log('spinning'); for (;;) {}", timeoutMs: 1500 });
    expect(spin.structuredContent!.state).toBe("timeout");
    expect(textOf(spin)).toMatch(/^spinning\n\[script timeout\] Killed at the time limit of 1500 ms/);
    const hog = await callTool(s.client, "run_script", { code: "const keep: string[][] = []; for (;;) keep.push(new Array(1e6).fill('x'));", memoryMb: 64 });
    expect(hog.structuredContent!.state).toBe("memory");
    await expectStillAnswering();
  });

  it("refuses a timeout above the server's maximum", async () => {
    const r = await callTool(s.client, "run_script", { code: "console.log(1)", timeoutMs: 60_000 }).catch((e: Error) => ({ isError: true, content: [{ type: "text", text: e.message }] }));
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/timeoutMs|30000/);
  });
});
