// Benchmark: bytes an agent reads with code execution against bytes of the raw data it
// would otherwise pull into its context, for the brief's five tasks.
//
//   node --import tsx bench/mcp-bytes.mjs
//
// Each task runs its shipped skill through run_skill (run_script with `args`) on a real MCP
// server (in process, SDK client over the in-memory transport) against a real local target:
//   1. top-bottlenecks      examples/hotspot.js (~2 s at 1 kHz)
//        raw: every sample as the brief's example reads it ({ function, file, line, stack, duration });
//        the run's .cpuprofile is reported too
//   2. version-regressions  a 3-tag git repo, v1.1.0 renders 3× slower (default 10 rounds × 200 ms)
//        raw: every sample of every version (the three bench-run.json files)
//   3. memory-leak          a server keeping ~1 KB/request, 60 s at 300 req/s, sampled every 250 ms
//        raw: the memory series JSON; also the get_memory_stats results the brief's loop would read
//   4. core-web-vitals      a RUM store of 10,000 page views over 24 h
//        raw: the 10,000 page views getRumData returns with sampleSize 10000, as JSON
//   5. breaking-point       a server with 8 slots of 20 ms; levels 2..32 connections, 10 s each
//        raw: each level's load result with its latencies as a list (the brief's `latencies`),
//        rebuilt from the run's HDR histograms (one value per completed request, µs → ms)
// "text" is the text content (what the script printed); "content" is every content block as
// JSON (text + resource links: what a client shows the model); "returned" is the whole tool
// result as JSON (content + structuredContent). ratio = raw / text; the ratios against the
// content and the whole result are reported too.
// Results go to bench/results/mcp-bytes.json.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import os from "node:os";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeVersionedRepo } from "./fixtures/versioned-repo.mjs";
import { startScriptServer, NO_ACCESS } from "../src/mcp/skills/test-helpers/script-server.ts";
import { createMcpServer } from "../src/mcp/server.ts";
import { reservePort } from "../src/test-helpers/reserve-port.ts";
import { startSlowAboveConcurrencyServer } from "../src/load/test-servers/index.ts";
import { openRumStore } from "../src/web/rum/open-rum-store.ts";
import { getRumData } from "../src/web/rum/query/get-rum-data.ts";
import { makeShopPageViews } from "../src/web/rum/test-helpers/shop-page-views.ts";
import { importProfileFile } from "../src/profile/import/index.ts";
import { listSamples } from "../src/profile/model.ts";
import { decodeHistogram } from "../src/load/histogram.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const hotspot = path.join(repo, "examples", "hotspot.js");
const memoryServer = path.join(repo, "src", "mcp", "skills", "test-programs", "memory-server.mjs");
const TARGET_RATIO = 50;

/** Runs a skill; returns its text, the result's size, and the sizes of the workspace files matching `raw`. */
async function runSkill(server, name, args, raw) {
  const t0 = performance.now();
  const result = await server.client.callTool({ name: "run_skill", arguments: { name, args } }, undefined, { timeout: 600_000 });
  const seconds = (performance.now() - t0) / 1000;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content).slice(0, 2000)}`);
  const text = result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
  const workspace = result.structuredContent.workspace;
  const rawFiles = result.structuredContent.files.filter((f) => raw.test(f.path));
  const rawBytes = rawFiles.reduce((sum, f) => sum + statSync(path.join(workspace, f.path)).size, 0);
  const contentBytes = Buffer.byteLength(JSON.stringify(result.content));
  return { text, workspace, textBytes: Buffer.byteLength(text), contentBytes, returnedBytes: Buffer.byteLength(JSON.stringify(result)), rawBytes, rawFiles: rawFiles.map((f) => f.path), seconds };
}

/** Mean size of a whole get_memory_stats result (what the brief's loop reads per sample) for a live Node process. */
async function measureMemoryStatsResultBytes(command, port) {
  const child = spawn(command[0], command.slice(1), { stdio: "ignore" });
  try {
    await waitForPort(port);
    const server = createMcpServer({ root: mkdtempSync(path.join(os.tmpdir(), "perfscope-bytes-mem-")) });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "bytes-bench", version: "0.0.0" });
    await client.connect(clientSide);
    const sizes = [];
    for (let i = 0; i < 5; i++) {
      const r = await client.callTool({ name: "get_memory_stats", arguments: { pid: child.pid } });
      if (r.isError) throw new Error(`get_memory_stats failed: ${JSON.stringify(r.content)}`);
      sizes.push(Buffer.byteLength(JSON.stringify(r)));
    }
    await client.close();
    await server.close();
    return sizes.reduce((a, b) => a + b, 0) / sizes.length;
  } finally {
    child.kill("SIGKILL");
  }
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

async function fillRumStore(root, views) {
  const store = await openRumStore(undefined, { cwd: root });
  const events = makeShopPageViews(views, 8_000);
  await store.insertEvents(events);
  return store;
}

const tasks = [];
const cleanup = [];
try {
  {
    const s = await startScriptServer({ policy: { ...NO_ACCESS, allowedCommands: [`node ${hotspot}`] } });
    cleanup.push(s.close);
    const r = await runSkill(s, "top-bottlenecks", { command: ["node", hotspot] }, /\.cpuprofile$/);
    const workspace = r.workspace;
    const profile = await importProfileFile(path.join(workspace, r.rawFiles[0]));
    r.cpuprofileBytes = r.rawBytes;
    r.rawBytes = Buffer.byteLength(JSON.stringify(listSamples(profile).map((x) => ({ function: x.function, file: x.file, line: x.line, stack: x.stack, duration: x.duration }))));
    tasks.push({ task: "top-bottlenecks", raw: `every sample (${profile.samples.stack.length}) with function, file:line, stack and duration, as JSON; the .cpuprofile alone is cpuprofileBytes`, ...r });
  }
  {
    const root = mkdtempSync(path.join(os.tmpdir(), "perfscope-bytes-versions-"));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    makeVersionedRepo(root, [{ tag: "v1.0.0" }, { tag: "v1.1.0", scale: { render_time: 300 } }, { tag: "v1.2.0" }]);
    const s = await startScriptServer({ root });
    cleanup.push(s.close);
    const r = await runSkill(s, "version-regressions", { versions: ["v1.0.0", "v1.1.0", "v1.2.0"] }, /^versions\/.*\.bench-run\.json$/);
    tasks.push({ task: "version-regressions", raw: "every sample of every version (3 bench-run.json, 3 benchmarks, default 10 rounds × 200 ms)", ...r });
  }
  {
    const port = await reservePort();
    const origin = `http://127.0.0.1:${port}`;
    const command = ["node", "--max-old-space-size=64", memoryServer, String(port), "leak"];
    const s = await startScriptServer({ policy: { ...NO_ACCESS, allowedCommands: [command.slice(0, 3).join(" ")], allowedTargets: [origin] } });
    cleanup.push(s.close);
    const r = await runSkill(s, "memory-leak", { command, load: `${origin}/`, duration: 60, requestsPerSecond: 300 }, /^memory\/memory-series\.json$/);
    const samples = JSON.parse(readFileSync(path.join(r.workspace, r.rawFiles[0]), "utf8")).samples?.length;
    const perCall = await measureMemoryStatsResultBytes(command, port);
    r.rawToolResultsBytes = Math.round(perCall * samples);
    r.rawToolResultsNote = `${samples} get_memory_stats results (the brief's polling loop, one call per sample) at ${Math.round(perCall)} B each`;
    tasks.push({ task: "memory-leak", raw: `the memory series (60 s at 250 ms, ${samples} samples) as JSON`, ...r });
  }
  {
    const s = await startScriptServer();
    cleanup.push(s.close);
    const store = await fillRumStore(s.root, 10_000);
    const report = await getRumData(store, { metric: "core_web_vitals", timeRange: "24h", sampleSize: 10_000 });
    await store.close();
    const r = await runSkill(s, "core-web-vitals", { sampleSize: 10_000 }, /^$/);
    r.rawBytes = Buffer.byteLength(JSON.stringify(report.samples));
    tasks.push({ task: "core-web-vitals", raw: `the ${report.samples.length} page views (getRumData sampleSize 10000) as JSON`, ...r });
  }
  {
    const target = await startSlowAboveConcurrencyServer({ concurrency: 8, serviceMs: 20 });
    cleanup.push(() => target.close());
    const s = await startScriptServer({ policy: { ...NO_ACCESS, allowedTargets: [new URL(target.url).origin] } });
    cleanup.push(s.close);
    const r = await runSkill(s, "breaking-point", { target: target.url, levels: [2, 4, 8, 16, 32], levelDuration: "10s" }, /^breaking-point\/load-results\.json$/);
    const levels = JSON.parse(readFileSync(path.join(r.workspace, r.rawFiles[0]), "utf8"));
    const withLatencies = levels.map(({ level, result }) => {
      const h = decodeHistogram(result.histogram);
      const n = result.requests.completed;
      const latencies = Array.from({ length: n }, (_, k) => Math.round(h.getValueAtPercentile((100 * (k + 0.5)) / n) / 10) / 100);
      return { level, result: { ...result, histogram: undefined, latencies } };
    });
    r.loadResultsFileBytes = r.rawBytes;
    r.rawBytes = Buffer.byteLength(JSON.stringify(withLatencies));
    tasks.push({ task: "breaking-point", raw: `every level's load result with its ${withLatencies.reduce((n, l) => n + l.result.latencies.length, 0)} latencies as a list (ms); the saved results file (histograms compressed) is loadResultsFileBytes`, ...r });
  }
} finally {
  for (const f of cleanup.reverse()) await f();
}

for (const t of tasks) {
  t.ratio = Math.round((t.rawBytes / t.textBytes) * 10) / 10;
  t.ratioContent = Math.round((t.rawBytes / t.contentBytes) * 10) / 10;
  t.ratioWholeResult = Math.round((t.rawBytes / t.returnedBytes) * 10) / 10;
  t.meetsTarget = t.ratio >= TARGET_RATIO;
  t.meetsTargetWholeResult = t.ratioWholeResult >= TARGET_RATIO;
  console.log(`\n== ${t.task} (${t.seconds.toFixed(1)} s): text ${t.textBytes} B, content ${t.contentBytes} B, whole result ${t.returnedBytes} B vs raw ${t.rawBytes} B → ${t.ratio}× (content ${t.ratioContent}×, whole result ${t.ratioWholeResult}×)\n${t.text}`);
}
const out = {
  benchmark: "mcp-bytes",
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "unknown", node: process.version },
  method:
    "Each of the brief's five tasks runs as its shipped skill through run_skill on an in-process MCP server against a real local target. returnedBytes = the whole tool result as JSON (text, resource links, structuredContent); contentBytes = its content blocks (text and resource links) as JSON; textBytes = its text content; rawBytes = the raw data an agent would otherwise read for the same conclusion, in the shape the brief's examples read it (see each task's raw). ratio = rawBytes / textBytes (what the agent reads); ratioContent = rawBytes / contentBytes; ratioWholeResult = rawBytes / returnedBytes.",
  targetRatio: TARGET_RATIO,
  tasks: tasks.map(({ text, workspace: _w, ...t }) => ({ ...t, seconds: Math.round(t.seconds * 10) / 10, output: text })),
};
mkdirSync(path.join(here, "results"), { recursive: true });
writeFileSync(path.join(here, "results", "mcp-bytes.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`\nwritten bench/results/mcp-bytes.json; all ≥ ${TARGET_RATIO}× on text: ${tasks.every((t) => t.meetsTarget)}, on the whole result: ${tasks.every((t) => t.meetsTargetWholeResult)}`);
