// Benchmark: perfscope's load engine against wrk and autocannon, driving nginx on loopback.
//
//   npm run build && node bench/load-peers.mjs [--connections 50] [--seconds 5] [--rounds 3] [--threads 1]
//
// Installs nothing itself: nginx-light and wrk come from Debian (apt-get install nginx-light wrk),
// autocannon from npm (a devDependency). nginx runs from a throwaway prefix on a free port with
// one worker; each generator gets the same connections, duration and thread count, in
// alternating order per round. CPU time per request comes from bash's `time` over the
// generator process (user + sys), so it counts the generator only, not nginx.
// Writes bench/results/load-peers.json.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
};
const connections = arg("connections", 50);
const seconds = arg("seconds", 5);
const rounds = arg("rounds", 3);
const threads = arg("threads", 1);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startNginx() {
  const prefix = mkdtempSync(path.join(os.tmpdir(), "perfscope-nginx-"));
  mkdirSync(path.join(prefix, "logs"));
  const port = await freePort();
  const conf = `worker_processes 1;\nerror_log ${prefix}/logs/error.log;\npid ${prefix}/nginx.pid;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n  keepalive_requests 1000000;\n  server {\n    listen 127.0.0.1:${port};\n    location / { default_type text/plain; return 200 "hello from nginx\\n"; }\n  }\n}\n`;
  writeFileSync(path.join(prefix, "nginx.conf"), conf);
  const child = spawn("nginx", ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  for (let i = 0; i < 50; i++) {
    const r = spawnSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${port}/`], { encoding: "utf8" });
    if (r.stdout === "200") break;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  return { url: `http://127.0.0.1:${port}/`, stop: () => { child.kill("SIGQUIT"); rmSync(prefix, { recursive: true, force: true }); } };
}

/** Runs a command under bash's `time`, returning its stdout and the CPU seconds it used. */
function timed(command) {
  const r = spawnSync("bash", ["-c", `TIMEFORMAT='%U %S'; { time ${command} ; } 2>&1 1>/tmp/perfscope-bench-out.txt`], { encoding: "utf8", maxBuffer: 1 << 26 });
  const [user, sys] = r.stdout.trim().split(/\s+/).slice(-2).map(Number);
  const out = spawnSync("cat", ["/tmp/perfscope-bench-out.txt"], { encoding: "utf8", maxBuffer: 1 << 26 }).stdout;
  return { out, cpuSeconds: user + sys };
}

const perfscopeRunner = path.join(os.tmpdir(), "perfscope-bench-load.mjs");
writeFileSync(
  perfscopeRunner,
  `import { runLoadTest } from ${JSON.stringify(path.join(repo, "dist/load/run-load-test.js"))};\n` +
    `const r = await runLoadTest({ target: process.argv[2], concurrency: Number(process.argv[3]), duration: Number(process.argv[4]), workers: Number(process.argv[5]) });\n` +
    `console.log(JSON.stringify({ rps: r.throughput, total: r.requests.completed, errors: r.requests.errors, p99: r.latency.p99 }));\n`,
);

const tools = {
  wrk(url) {
    const { out, cpuSeconds } = timed(`wrk -t${threads} -c${connections} -d${seconds}s ${url}`);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    return { rps, total, cpuSeconds };
  },
  autocannon(url) {
    const bin = path.join(repo, "node_modules/.bin/autocannon");
    const { out, cpuSeconds } = timed(`${bin} --json -c ${connections} -d ${seconds} ${threads > 1 ? `-w ${threads}` : ""} ${url}`);
    const json = JSON.parse(out.slice(out.indexOf("{")));
    return { rps: json.requests.total / json.duration, total: json.requests.total, cpuSeconds };
  },
  perfscope(url) {
    const { out, cpuSeconds } = timed(`node ${perfscopeRunner} ${url} ${connections} ${seconds} ${threads}`);
    const json = JSON.parse(out.trim().split("\n").pop());
    return { rps: json.rps, total: json.total, cpuSeconds };
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const nginx = await startNginx();
const runs = [];
try {
  const names = Object.keys(tools);
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no tool always runs first (warm caches) or last (a hot machine).
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const r = tools[name](nginx.url);
      runs.push({ tool: name, round, ...r, cpuUsPerRequest: (r.cpuSeconds * 1e6) / r.total, load1: os.loadavg()[0] });
      console.error(`round ${round + 1}/${rounds} ${name.padEnd(10)} ${r.rps.toFixed(0)} req/s, ${((r.cpuSeconds * 1e6) / r.total).toFixed(1)} µs CPU/request`);
    }
  }
} finally {
  nginx.stop();
  rmSync(perfscopeRunner, { force: true });
}

const summary = {};
for (const name of Object.keys(tools)) {
  const mine = runs.filter((r) => r.tool === name);
  summary[name] = { medianRps: Math.round(median(mine.map((r) => r.rps))), medianCpuUsPerRequest: Number(median(mine.map((r) => r.cpuUsPerRequest)).toFixed(2)) };
}
const result = {
  benchmark: "load-peers",
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
  target: "nginx (1 worker) on loopback, static 200 response",
  settings: { connections, seconds, rounds, generatorThreads: threads },
  summary,
  ratios: {
    perfscopeVsAutocannon: Number((summary.perfscope.medianRps / summary.autocannon.medianRps).toFixed(2)),
    perfscopeVsWrk: Number((summary.perfscope.medianRps / summary.wrk.medianRps).toFixed(2)),
  },
  targets: { perfscopeVsAutocannon: ">= 1.5", perfscopeVsWrk: ">= 0.8" },
  runs,
};
mkdirSync(path.join(repo, "bench/results"), { recursive: true });
writeFileSync(path.join(repo, "bench/results/load-peers.json"), JSON.stringify(result, null, 2) + "\n");
console.log(JSON.stringify({ summary, ratios: result.ratios }, null, 2));
