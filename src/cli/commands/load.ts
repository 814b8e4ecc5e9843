import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { createRunOutput } from "../../core/run-output.js";
import { parseDuration } from "../../core/units.js";
import { levelsFromSteps } from "../../load/analyze/breaking-point.js";
import { findBreakingPointForTarget } from "../../load/analyze/breaking-point-target.js";
import { analyzeLoadResult } from "../../load/analyze/findings.js";
import { exportToK6Script } from "../../load/export/k6.js";
import type { LoadOptions, LoadProgress } from "../../load/model.js";
import { runLoadTest } from "../../load/run-load-test.js";
import { renderBreakingPointTerminal, renderLoadHtml, renderLoadTerminal } from "../../report/load-report.js";
import { renderJson } from "../../report/profile-report.js";
import { createProgressPrinter, installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";
import { parseRequestMix } from "./load-options.js";

export const LOAD_HELP = `perfscope load — load-test an HTTP service and find where it breaks

Usage:
  perfscope load [options] <url>

Load (one of --duration, --requests or --stages is required: runs are always bounded):
  -c, --connections <n>    connections (default 10); the closed model sends back to back
  -R, --rate <req/s>       open model: requests per second, latency measured from each
                           request's intended send time (no coordinated omission)
  --arrival <kind>         constant (default) | poisson, for the open model
  --stages <list>          k6-style ramps, e.g. "10s:100,30s:500,10s:0" (duration:target)
  -d, --duration <time>    how long (30s, 2m; a bare number is seconds)
  -n, --requests <n>       stop after this many requests
  --workers <n>            generator threads (default: number of cores)
  --pipelining <n>         HTTP/1.1 requests in flight per connection (default 1)
  --http2                  use HTTP/2
  -m, --method <verb>      GET (default), POST, ...
  -H, --header <k: v>      a request header (repeatable)
  -b, --body <text>        request body
  --mix <file.json>        a request mix: [{"method","url","headers","body","weight"}, ...]
  --mix-order <order>      random (default: by weight) | sequence (in file order, wrapping)
  --timeout <time>         per-request timeout (default 10s)
  --allow-remote           allow a target that is not on this machine

Breaking point:
  --step <levels>          run these levels in turn, e.g. 10,50,100,200,500 (connections, or
                           req/s with --rate), and report where throughput stops rising,
                           latency bends up, or errors pass --error-limit (default 1%)
  --slo <time>             with --step: p95 above this is degraded too

Output:
  --threshold <expr>       k6-style, repeatable: "p95<200ms", "p99<1s", "errors<1%", "rps>500";
                           a failed threshold exits with code 1
  --export-k6 <file>       write an equivalent k6 script (for distributed runs) and exit
  --out <dir>              where to write artifacts (default .perfscope/runs/<time>-load/)
  --json                   print the result as JSON
  --quiet                  no progress on stderr
  -h, --help               this help

Examples:
  perfscope load -c 50 -d 30s http://127.0.0.1:3000/api
  perfscope load -R 500 -d 60s --threshold "p99<250ms" --threshold "errors<1%" http://127.0.0.1:3000/
  perfscope load --step 10,50,100,200,500 -d 10s http://127.0.0.1:3000/
  perfscope load -R 200 --stages 30s:1000,30s:1000 --export-k6 load.js http://127.0.0.1:3000/

Ctrl-C stops the run, saves and prints the partial result.
Exit codes: 0 ok · 1 a threshold failed · 2 usage · 3 runtime.`;

export async function runLoadCommand(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        connections: { type: "string", short: "c" },
        rate: { type: "string", short: "R" },
        arrival: { type: "string" },
        stages: { type: "string" },
        duration: { type: "string", short: "d" },
        requests: { type: "string", short: "n" },
        workers: { type: "string" },
        pipelining: { type: "string" },
        http2: { type: "boolean" },
        method: { type: "string", short: "m" },
        header: { type: "string", short: "H", multiple: true },
        body: { type: "string", short: "b" },
        mix: { type: "string" },
        "mix-order": { type: "string" },
        timeout: { type: "string" },
        "allow-remote": { type: "boolean" },
        step: { type: "string" },
        slo: { type: "string" },
        "error-limit": { type: "string" },
        threshold: { type: "string", multiple: true },
        "export-k6": { type: "string" },
        out: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    json = values.json ?? false;
    if (values.help) {
      writeLine(io.stdout, LOAD_HELP);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw usageError(positionals.length === 0 ? "No target URL given." : "Give exactly one target URL.", "perfscope load -c 50 -d 30s http://127.0.0.1:3000/");
    const options = await buildLoadOptions(positionals[0]!, values);
    if (values["export-k6"]) {
      await writeFile(values["export-k6"], exportToK6Script(options));
      writeLine(io.stderr, `perfscope: wrote k6 script ${values["export-k6"]} (run it with: k6 run ${values["export-k6"]})`);
      return ExitCode.ok;
    }
    const out = await createRunOutput("load", values.out !== undefined ? { out: values.out } : {});
    const stop = installStopSignals(io);
    const progress = createProgressPrinter(io, values.quiet ?? false);
    const show = (p: LoadProgress) =>
      progress.update(`perfscope: ${(p.elapsedMs / 1000).toFixed(0)}s · ${p.completed} done · ${p.currentRps.toFixed(0)} req/s · ${p.errors} errors${p.p99Ms !== null ? ` · p99 ${p.p99Ms.toFixed(1)}ms` : ""}`);
    try {
      if (values.step) {
        const levels = levelsFromSteps(values.step);
        const bp = await findBreakingPointForTarget({ ...options, signal: stop.signal, onProgress: show }, levels, options.requestsPerSecond !== undefined ? "rate" : "concurrency", {
          ...(values["error-limit"] ? { errorRateLimit: parsePercent(values["error-limit"]) } : {}),
          ...(values.slo ? { latencyLimitMs: parseMs(values.slo, "--slo") } : {}),
        });
        progress.done();
        await writeFile(out.file("breaking-point.json"), JSON.stringify(bp, null, 2));
        if (json) writeLine(io.stdout, renderJson({ ...bp, outDir: out.dir }));
        else writeLine(io.stdout, `${renderBreakingPointTerminal(bp, { color: Boolean(io.stdout.isTTY) })}\n\nSaved: ${out.file("breaking-point.json")}`);
        return ExitCode.ok;
      }
      const result = await runLoadTest({ ...options, signal: stop.signal, onProgress: show });
      progress.done();
      const files = { result: out.file("load-result.json"), html: out.file("load-report.html") };
      await writeFile(files.result, JSON.stringify(result, null, 2));
      await writeFile(files.html, renderLoadHtml(result));
      if (json) writeLine(io.stdout, renderJson({ ...result, findings: analyzeLoadResult(result), files }));
      else writeLine(io.stdout, renderLoadTerminal(result, { files, findings: analyzeLoadResult(result), color: Boolean(io.stdout.isTTY) }));
      if (result.partial) writeLine(io.stderr, `perfscope: partial result (${result.partial.reason}); saved in ${out.dir}`);
      return result.thresholds.some((t) => !t.ok) ? ExitCode.thresholdFailed : ExitCode.ok;
    } finally {
      progress.done();
      stop.dispose();
    }
  } catch (error) {
    return reportError(io, error, json);
  }
}

type LoadValues = Record<string, string | boolean | string[] | undefined>;

async function buildLoadOptions(target: string, v: LoadValues): Promise<LoadOptions> {
  const num = (key: string): number | undefined => {
    const raw = v[key];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw usageError(`Invalid --${key} "${String(raw)}".`, `A positive number, e.g. --${key} 10.`);
    return n;
  };
  const headers: Record<string, string> = {};
  for (const h of (v.header as string[] | undefined) ?? []) {
    const i = h.indexOf(":");
    if (i <= 0) throw usageError(`Invalid --header "${h}".`, 'Use "Name: value", e.g. -H "Authorization: Bearer x".');
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const options: LoadOptions = { target };
  const connections = num("connections");
  const rate = num("rate");
  const requests = num("requests");
  const workers = num("workers");
  const pipelining = num("pipelining");
  if (connections !== undefined) options.concurrency = connections;
  if (rate !== undefined) options.requestsPerSecond = rate;
  if (requests !== undefined) options.maxRequests = requests;
  if (workers !== undefined) options.workers = workers;
  if (pipelining !== undefined) options.pipelining = pipelining;
  if (v.duration !== undefined) options.duration = v.duration as string;
  if (v.arrival !== undefined) {
    if (v.arrival !== "constant" && v.arrival !== "poisson") throw usageError(`Unknown --arrival "${String(v.arrival)}".`, "Use constant or poisson.");
    options.arrival = v.arrival;
  }
  if (v.stages !== undefined) options.stages = parseStages(v.stages as string);
  if (v.method !== undefined) options.method = (v.method as string).toUpperCase();
  if (Object.keys(headers).length > 0) options.headers = headers;
  if (v.body !== undefined) options.body = v.body as string;
  if (v.mix !== undefined) options.requests = await parseRequestMix(v.mix as string);
  if (v["mix-order"] !== undefined) {
    if (v["mix-order"] !== "random" && v["mix-order"] !== "sequence") throw usageError(`Unknown --mix-order "${String(v["mix-order"])}".`, "Use random or sequence.");
    if (v.mix === undefined) throw usageError("--mix-order needs --mix.", "Give the request mix with --mix file.json.");
    options.mixOrder = v["mix-order"];
  }
  if (v.timeout !== undefined) options.timeoutMs = parseMs(v.timeout as string, "--timeout");
  if (v.http2) options.http2 = true;
  if (v["allow-remote"]) options.allowRemote = true;
  if (v.threshold) options.thresholds = v.threshold as string[];
  return options;
}

function parseStages(text: string): NonNullable<LoadOptions["stages"]> {
  return text.split(",").map((part) => {
    const m = /^\s*([^:]+):(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw usageError(`Invalid stage "${part}" in --stages.`, 'Use duration:target pairs, e.g. --stages "10s:100,30s:500,10s:0".');
    return { duration: m[1]!, target: Number(m[2]) };
  });
}

function parseMs(text: string, flag: string): number {
  const parsed = parseDuration(text);
  if (parsed === null || parsed <= 0) throw usageError(`Invalid ${flag} "${text}".`, "A time such as 250ms, 2s or 1m (a bare number is seconds).");
  return parsed;
}

function parsePercent(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  if (!m) throw usageError(`Invalid --error-limit "${text}".`, "A percentage such as 1% (or a fraction such as 0.01).");
  return m[2] ? Number(m[1]) / 100 : Number(m[1]);
}
