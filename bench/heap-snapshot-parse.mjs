// Benchmark: reading a big V8 heap snapshot (parse + dominators + retained sizes),
// perfscope's streaming parser vs memlab.
//
//   npx tsc -p tsconfig.build.json && node bench/heap-snapshot-parse.mjs [--mb 200] [--repeat 3]
//       [--dist dist] [--memlab /tmp/memlab-peer] [--keep]
//
// The snapshot is real: a Node process holding millions of small objects and strings is
// snapshotted through its inspector with perfscope's takeHeapSnapshot (grown until the file
// reaches --mb). Each measurement runs in a fresh child process, so its peak RSS
// (process.resourceUsage().maxRSS, i.e. VmHWM) is that tool's own. Both tools do the same
// work: parse the file, build the graph, compute dominators and retained sizes.
// memlab is not a perfscope dependency: install it into a throwaway folder first,
//   mkdir -p /tmp/memlab-peer && cd /tmp/memlab-peer && npm init -y >/dev/null &&
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install @memlab/heap-analysis @memlab/core
// Results go to bench/results/heap-snapshot-parse.json.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const { values: args } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    repeat: { type: "string", default: "3" },
    dist: { type: "string", default: path.join(repo, "dist") },
    memlab: { type: "string", default: "/tmp/memlab-peer" },
    keep: { type: "boolean", default: false },
    child: { type: "string" },
    file: { type: "string" },
  },
});
const distUrl = (rel) => pathToFileURL(path.join(path.resolve(args.dist), rel)).href;

// A heap of many small objects, each with its own string: the shape that makes big snapshots.
const TARGET_PROGRAM = `
class Item { constructor(i) { this.id = i; this.name = "item-" + i + "-" + (i * 2654435761 % 1e9); this.tags = i % 3 === 0 ? [i, i + 1] : null; this.next = null; } }
globalThis.items = [];
globalThis.grow = (n) => { const base = items.length; for (let i = 0; i < n; i++) { const it = new Item(base + i); if (i > 0) items[items.length - 1].next = it; items.push(it); } return items.length; };
process.stdout.write("ready\\n");
setInterval(() => {}, 1 << 30);
`;

async function generateSnapshot(file, targetMb) {
  const { CdpClient } = await import(distUrl("profile/collect/cdp-client.js"));
  const { takeHeapSnapshot } = await import(distUrl("memory/heap/take-snapshot.js"));
  const child = spawn(process.execPath, ["--max-old-space-size=8192", "--inspect=127.0.0.1:0", "-e", TARGET_PROGRAM], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (d) => {
        err += d;
        const m = /ws:\/\/\S+/.exec(err);
        if (m) resolve(m[0]);
      });
      child.once("exit", (code) => reject(new Error(`target exited (${code}): ${err}`)));
    });
    // The inspector announces itself before the program has run: wait for "ready".
    await new Promise((resolve) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("ready")) resolve();
      });
    });
    const cdp = await CdpClient.connect(url);
    // ~360 bytes of snapshot per Item (object, string, edges): start near the target, then grow.
    let count = Math.round((targetMb * 1024 * 1024) / 380);
    let held = 0;
    for (;;) {
      const answer = await cdp.send("Runtime.evaluate", { expression: `grow(${count - held})`, returnByValue: true }, 120_000);
      if (answer.exceptionDetails || typeof answer.result?.value !== "number") throw new Error(`growing the target's heap failed: ${JSON.stringify(answer).slice(0, 500)}`);
      held = answer.result.value;
      const t0 = performance.now();
      const { bytes } = await takeHeapSnapshot(cdp, file);
      const mb = bytes / 1048576;
      process.stderr.write(`snapshot of ${held.toLocaleString("en-US")} items: ${mb.toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      if (mb >= targetMb) break;
      count = Math.ceil(held * (targetMb / mb) * 1.03);
    }
    await cdp.close();
    return { items: held };
  } finally {
    child.kill("SIGKILL");
  }
}

/** Runs in a child: one tool on one file, prints its figures as JSON. */
async function runChild(tool, file) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let nodes;
  let edges;
  let rootRetained;
  if (tool === "perfscope" || tool === "perfscope-parse-only") {
    const { parseHeapSnapshotFile } = await import(distUrl("memory/heap/parse-snapshot.js"));
    const { computeDominators } = await import(distUrl("memory/heap/dominators.js"));
    const graph = await parseHeapSnapshotFile(file);
    nodes = graph.nodeCount;
    edges = graph.edgeCount;
    rootRetained = tool === "perfscope" ? computeDominators(graph).retainedSize[0] : null;
  } else {
    const { createRequire } = await import("node:module");
    const require = createRequire(path.join(path.resolve(args.memlab), "package.json"));
    const { getFullHeapFromFile } = require("@memlab/heap-analysis");
    const { config } = require("@memlab/core");
    config.muteConsole = true;
    // getFullHeapFromFile parses the file and computes dominators and retained sizes.
    const heap = await getFullHeapFromFile(file);
    nodes = heap.nodes.length;
    edges = heap.edges.length;
    rootRetained = heap.nodes.get(0)?.retainedSize ?? null;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ tool, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, nodes, edges, rootRetained }));
}

function measure(tool, file) {
  const heapFlag = tool === "memlab" ? ["--max-old-space-size=16384"] : [];
  const run = spawnSync(process.execPath, [...heapFlag, fileURLToPath(import.meta.url), "--child", tool, "--file", file, "--dist", args.dist, "--memlab", args.memlab], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${tool} run failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split("\n").pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => ({ median: +median(xs).toFixed(2), min: +Math.min(...xs).toFixed(2), max: +Math.max(...xs).toFixed(2), n: xs.length });

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-heap-bench-"));
  const file = path.join(dir, "big.heapsnapshot");
  const loadBefore = os.loadavg();
  try {
    const generated = await generateSnapshot(file, Number(args.mb));
    const size = statSync(file).size;
    const runs = [];
    for (let r = 0; r < Number(args.repeat); r++) {
      // The parse alone once per round too, to show what the graph itself costs.
      for (const tool of r % 2 === 0 ? ["perfscope", "memlab", "perfscope-parse-only"] : ["memlab", "perfscope", "perfscope-parse-only"]) {
        const m = measure(tool, file);
        process.stderr.write(`${tool}: ${m.seconds.toFixed(1)} s, peak RSS ${m.maxRssMB.toFixed(0)} MB\n`);
        runs.push(m);
      }
    }
    const of = (tool, key) => runs.filter((x) => x.tool === tool).map((x) => x[key]);
    const p = runs.find((x) => x.tool === "perfscope");
    const m = runs.find((x) => x.tool === "memlab");
    const summary = {
      fileMB: +(size / 1048576).toFixed(1),
      nodes: p.nodes,
      edges: p.edges,
      sameGraph: p.nodes === m.nodes && p.edges === m.edges,
      rootRetained: { perfscope: p.rootRetained, memlab: m.rootRetained },
      seconds: { perfscope: spread(of("perfscope", "seconds")), memlab: spread(of("memlab", "seconds")) },
      peakRssMB: { perfscope: spread(of("perfscope", "maxRssMB")), memlab: spread(of("memlab", "maxRssMB")), perfscopeParseOnly: spread(of("perfscope-parse-only", "maxRssMB")) },
      parseOnlySeconds: spread(of("perfscope-parse-only", "seconds")),
      ratios: {
        speedup: +(median(of("memlab", "seconds")) / median(of("perfscope", "seconds"))).toFixed(2),
        peakRssFraction: +(median(of("perfscope", "maxRssMB")) / median(of("memlab", "maxRssMB"))).toFixed(3),
        perfscopePeakRssPerFileMB: +(median(of("perfscope", "maxRssMB")) / (size / 1048576)).toFixed(3),
        parseOnlyPeakRssPerFileMB: +(median(of("perfscope-parse-only", "maxRssMB")) / (size / 1048576)).toFixed(3),
      },
      targets: { fasterThanMemlab: null, underHalfMemlabPeak: null },
    };
    summary.targets.fasterThanMemlab = summary.ratios.speedup > 1;
    summary.targets.underHalfMemlabPeak = summary.ratios.peakRssFraction < 0.5;
    const memlabVersion = spawnSync(process.execPath, ["-p", `require(${JSON.stringify(path.join(path.resolve(args.memlab), "node_modules/@memlab/core/package.json"))}).version`], { encoding: "utf8" }).stdout.trim();
    const result = {
      benchmark: "heap-snapshot-parse",
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` },
      node: process.version,
      loadAverage: { before: loadBefore.map((x) => +x.toFixed(1)), after: os.loadavg().map((x) => +x.toFixed(1)), note: "1/5/15-minute load; 2 cores shared with other jobs" },
      peer: `memlab ${memlabVersion} (@memlab/heap-analysis getFullHeapFromFile: parse + dominators + retained sizes)`,
      work: "parse the whole file into a graph, then dominator tree and retained sizes for every node; each run in a fresh node process",
      snapshot: { items: generated.items, bytes: size, how: "real Node process holding N small objects with unique strings, snapshotted through the inspector by perfscope's takeHeapSnapshot" },
      command: `node bench/heap-snapshot-parse.mjs --mb ${args.mb} --repeat ${args.repeat}`,
      summary,
      runs,
    };
    mkdirSync(path.join(repo, "bench/results"), { recursive: true });
    writeFileSync(path.join(repo, "bench/results/heap-snapshot-parse.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${file}\n`);
  }
}

if (args.child) await runChild(args.child, args.file);
else await main();
