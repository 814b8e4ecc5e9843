import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCli, cleanEnv, repoRoot, startHttpServerProcess, type HttpServerProcess } from "./test-helpers/http-server-process.js";

// The MCP Inspector's CLI mode (a second, independent client) against the built server.
const inspectorDir = join(repoRoot, "node_modules", "@modelcontextprotocol", "inspector-cli");
const inspectorBin = join(inspectorDir, (JSON.parse(readFileSync(join(inspectorDir, "package.json"), "utf8")) as { bin: Record<string, string> }).bin["mcp-inspector-cli"]!);

interface InspectorRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `mcp-inspector-cli --cli <target...> <options...>`: the documented CLI-mode invocation. */
function runInspector(target: string[], options: string[]): Promise<InspectorRun> {
  return new Promise((done) => {
    execFile(process.execPath, [inspectorBin, "--cli", ...target, ...options], { env: cleanEnv(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface ToolCallOutput {
  isError?: boolean;
  content: Array<{ type: string; text?: string; uri?: string }>;
  structuredContent: { bottlenecks: Array<{ function: string; selfShare: number }>; outDir: string };
}

describe("MCP Inspector CLI 0.15 against perfscope mcp", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "perfscope-inspector-"));
    writeFileSync(join(root, "x.folded"), "main;parse 10\nmain;render 70\nmain;render;layout 20\n");
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("lists the tools over stdio", async () => {
    const run = await runInspector([process.execPath, builtCli, "mcp", "--root", root], ["--method", "tools/list"]);
    expect(run.code, run.stderr).toBe(0);
    const { tools } = JSON.parse(run.stdout) as { tools: Array<{ name: string; inputSchema: { type: string }; outputSchema?: { type: string } }> };
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["profile", "analyze_profile", "load_test", "benchmark", "get_memory_stats", "get_rum_data"]));
    for (const t of tools) expect(t.inputSchema.type).toBe("object");
  });

  it("calls analyze_profile over stdio with --tool-arg key=value and gets structured results", async () => {
    const run = await runInspector(
      [process.execPath, builtCli, "mcp", "--root", root],
      ["--method", "tools/call", "--tool-name", "analyze_profile", "--tool-arg", "file=x.folded", "out=inspector"],
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ToolCallOutput;
    expect(result.isError).toBeFalsy();
    // render's own time is 70 of 100 samples; layout, below it, is 20.
    expect(result.structuredContent.bottlenecks.map((b) => b.function).slice(0, 3)).toEqual(["render", "layout", "parse"]);
    expect(result.structuredContent.bottlenecks[0]!.selfShare).toBeCloseTo(0.7, 5);
    expect(result.structuredContent.outDir).toBe(join(root, ".perfscope", "runs", "inspector"));
    expect(result.content.find((c) => c.type === "text")!.text).toContain("render");
  });

  it("reports a bad argument as a tool error, in its JSON output", async () => {
    const run = await runInspector([process.execPath, builtCli, "mcp", "--root", root], ["--method", "tools/call", "--tool-name", "analyze_profile", "--tool-arg", "file=../outside.folded"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ToolCallOutput;
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toContain("outside the server's root");
  });

  describe("over Streamable HTTP", () => {
    let server: HttpServerProcess;
    let proxy: Server;
    let proxyUrl: string;

    beforeAll(async () => {
      server = await startHttpServerProcess(["--http", "0", "--root", root]);
      // Inspector 0.15 has no option for request headers, so it cannot send the token itself.
      // This loopback forwarder adds it, the way a gateway in front of the server would.
      proxy = createServer((req, res) => {
        const upstream = request(
          { host: "127.0.0.1", port: server.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}` } },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on("error", () => res.destroy());
        req.pipe(upstream);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", () => r()));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;
    });

    afterAll(async () => {
      proxy?.closeAllConnections();
      await new Promise((r) => proxy?.close(r));
      await server?.stop();
    });

    it("is refused with 401 when it connects directly, since 0.15 cannot send the token", async () => {
      const run = await runInspector([server.url], ["--method", "tools/list"]);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("Unauthorized: send the token printed by perfscope mcp --http");
    });

    it("lists and calls tools over HTTP when the token is added on the way", async () => {
      const list = await runInspector([proxyUrl], ["--method", "tools/list"]);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toEqual(expect.arrayContaining(["profile", "analyze_profile", "get_rum_data"]));
      const call = await runInspector([proxyUrl], ["--method", "tools/call", "--tool-name", "analyze_profile", "--tool-arg", "file=x.folded"]);
      expect(call.code, call.stderr).toBe(0);
      expect((JSON.parse(call.stdout) as ToolCallOutput).structuredContent.bottlenecks[0]!.function).toBe("render");
    });
  });
});
