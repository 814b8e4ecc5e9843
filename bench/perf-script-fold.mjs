// Benchmark: streaming fold of large `perf script` files (perfscope vs a naive collapser).
//
//   npx tsc -p tsconfig.build.json && node bench/perf-script-fold.mjs [--mb 200] [--small-mb 50] [--repeat 5]
//
// Generates realistic `perf script` text (deep mixed JS / native / kernel stacks in the
// format perf 6.x prints on this machine for `node --perf-basic-prof`) into a temp dir,
// folds it in a child process per run (so peak RSS is that run's own), and writes
// bench/results/perf-script-fold.json. No FlameGraph collapser is packaged for Debian or npm
// here (stackcollapse-perf.pl is Perl from a git repo), so the side-by-side peer is a naive
// collapser written the obvious way: readline + one regex per line + joined stack strings.
// The machine is shared (2 cores, other jobs): every configuration runs --repeat times,
// interleaved, and the summary gives medians and ranges plus the load average around them.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");

/** Deterministic PRNG so every run generates the same file. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function buildTemplates(rand, count) {
  const hex = (n) => n.toString(16);
  const js = Array.from({ length: 400 }, (_, i) => {
    const tier = "*~^"[i % 3];
    return { text: `JS:${tier}fn${i} /srv/app/src/module${i % 37}.js:${1 + (i * 7) % 900}:${1 + (i * 13) % 80}`, dso: "(/tmp/perf-4242.map)", base: 0x7f3a00000000 + i * 0x400 };
  });
  const native = Array.from({ length: 300 }, (_, i) => ({ text: `v8::internal::Runtime_Fn${i}(int, v8::internal::Object*, v8::internal::Isolate*)`, dso: "(/usr/bin/node)", base: 0xa00000 + i * 0x200 }));
  const libc = ["__libc_start_call_main", "malloc", "_int_free", "memmove", "pthread_mutex_lock", "__GI___poll"].map((n, i) => ({ text: n, dso: "(/usr/lib/x86_64-linux-gnu/libc.so.6)", base: 0x27000 + i * 0x1000 }));
  const kernel = ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_write", "ksys_write", "vfs_write", "ep_poll", "schedule", "__schedule", "asm_exc_page_fault", "handle_mm_fault", "clear_page_erms"].map((n, i) => ({ text: n, dso: "([kernel.kallsyms])", base: 0xffffffff81000000 + i * 0x1000 }));
  const templates = [];
  for (let t = 0; t < count; t++) {
    const frames = [libc[0], native[0], native[1 + (t % 5)]];
    const depth = 12 + Math.floor(rand() * 45);
    while (frames.length < depth) {
      const r = rand();
      frames.push(r < 0.6 ? js[Math.floor(rand() * js.length)] : r < 0.9 ? native[Math.floor(rand() * native.length)] : libc[1 + Math.floor(rand() * (libc.length - 1))]);
    }
    if (rand() < 0.25) for (let k = 0; k < 3 + Math.floor(rand() * 6); k++) frames.push(kernel[Math.floor(rand() * kernel.length)]);
    // Root first here; perf prints leaf first. Call-site offsets are fixed per template frame.
    templates.push(frames.map((f, i) => ({ ...f, off: 16 + ((t * 31 + i * 17) % 900) })).reverse());
  }
  return { templates, hex };
}

async function generate(file, megabytes, seed) {
  const rand = rng(seed);
  const { templates, hex } = buildTemplates(rand, 3000);
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let t = 1000.0;
  let batch = "";
  while (written < target) {
    const tid = 4242 + Math.floor(rand() * 6);
    t += 0.001001;
    const tpl = templates[Math.floor(rand() * rand() * templates.length)];
    let s = `node 4242/${tid} [00${tid % 2}] ${t.toFixed(6)}:    1001001 cpu-clock:pppH: \n`;
    for (let i = 0; i < tpl.length; i++) {
      const f = tpl[i];
      // The leaf's IP varies inside its function; callers' return addresses are fixed.
      const off = i === 0 ? f.off + Math.floor(rand() * 64) * 4 : f.off;
      s += `\t${hex(f.base + off).padStart(16, " ")} ${f.text}+0x${hex(off)} ${f.dso}\n`;
    }
    batch += `${s}\n`;
    if (batch.length > 1 << 20) {
      written += batch.length;
      if (!out.write(batch)) await new Promise((r) => out.once("drain", r));
      batch = "";
    }
  }
  out.write(batch);
  await new Promise((r) => out.end(r));
}

/** The peer: what one writes without care — readline, a regex per line, joined keys. */
async function foldNaive(file) {
  const folded = new Map();
  let stack = [];
  const frameRe = /^\s*[0-9a-f]+\s+(.+?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)$/;
  const flush = () => {
    if (stack.length === 0) return;
    const key = stack.reverse().join(";");
    folded.set(key, (folded.get(key) ?? 0) + 1);
    stack = [];
  };
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line === "") flush();
    else if (line.startsWith("\t") || line.startsWith(" ")) {
      const m = frameRe.exec(line);
      if (m) stack.push(m[1]);
    } else if (!line.startsWith("#")) flush();
  }
  flush();
  return folded;
}

async function runChild(mode, file) {
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let stacks;
  if (mode === "perfscope") {
    const { foldPerfScriptStream } = await import(pathToFileURL(path.join(repo, "dist/profile/import/perf-script.js")).href);
    stacks = (await foldPerfScriptStream(createReadStream(file, { highWaterMark: 1 << 20 }), { fileName: file })).size;
  } else {
    stacks = (await foldNaive(file)).size;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const bytes = statSync(file).size;
  // CPU-time throughput is less disturbed than wall time when other jobs share the cores.
  process.stdout.write(JSON.stringify({ mode, bytes, seconds, mbPerSec: bytes / 1048576 / seconds, mbPerCpuSec: bytes / 1048576 / cpuSeconds, distinctStacks: stacks, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

function measure(mode, file) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), load1: os.loadavg()[0] };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), n: sorted.length };
}

const round = (x) => Math.round(x * 10) / 10;

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return runChild(args[1], args[2]);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const bigMb = opt("--mb", 200);
  const smallMb = opt("--small-mb", 50);
  const repeat = opt("--repeat", 5);
  const dir = mkdtempSync(path.join(os.tmpdir(), "perfscope-bench-"));
  try {
    const small = path.join(dir, "small.perf.txt");
    const big = path.join(dir, "big.perf.txt");
    await generate(small, smallMb, 7);
    await generate(big, bigMb, 7);
    const loadBefore = os.loadavg();
    const runs = [];
    for (let k = 0; k < repeat; k++) for (const file of [small, big]) for (const mode of ["perfscope", "naive-baseline"]) runs.push({ file: path.basename(file), ...measure(mode, file) });
    const pick = (mode, file) => runs.filter((r) => r.mode === mode && r.file === file);
    const of = (mode, file, key) => stats(pick(mode, file).map((r) => r[key]));
    const big1 = pick("perfscope", "big.perf.txt")[0];
    const small1 = pick("perfscope", "small.perf.txt")[0];
    const result = {
      benchmark: "perf-script-fold",
      date: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, hostname: os.hostname() },
      node: process.version,
      loadAverage: { before: loadBefore.map(round), after: os.loadavg().map(round), note: "1/5/15-minute load; the machine has 2 cores shared with other jobs" },
      peer: "naive baseline (readline + regex per line + joined keys); no FlameGraph collapser is installable here from Debian or npm",
      summary: {
        inputMB: { small: round(small1.bytes / 1048576), big: round(big1.bytes / 1048576) },
        perfscopeWallMBps: of("perfscope", "big.perf.txt", "mbPerSec"),
        perfscopeCpuMBps: of("perfscope", "big.perf.txt", "mbPerCpuSec"),
        naiveWallMBps: of("naive-baseline", "big.perf.txt", "mbPerSec"),
        naiveCpuMBps: of("naive-baseline", "big.perf.txt", "mbPerCpuSec"),
        perfscopePeakRssMB: { small: of("perfscope", "small.perf.txt", "maxRssMB"), big: of("perfscope", "big.perf.txt", "maxRssMB") },
        naivePeakRssMB: { small: of("naive-baseline", "small.perf.txt", "maxRssMB"), big: of("naive-baseline", "big.perf.txt", "maxRssMB") },
        sameStackCount: big1.distinctStacks === pick("naive-baseline", "big.perf.txt")[0].distinctStacks,
      },
      runs,
    };
    mkdirSync(path.join(repo, "bench/results"), { recursive: true });
    writeFileSync(path.join(repo, "bench/results/perf-script-fold.json"), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
