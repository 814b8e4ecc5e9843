import { parseArgs } from "node:util";
import { ExitCode, PerfError } from "../../core/errors.js";
import { renderJson } from "../../report/profile-report.js";
import { hasRumRegression, renderRumReportTerminal } from "../../report/rum-report.js";
import { findRumSnippetFile } from "../../web/rum/client/snippet-files.js";
import { startRumCollector, type RumCollector } from "../../web/rum/collect/collector.js";
import { startRumCollectorThread } from "../../web/rum/collect/collector-thread.js";
import { compareWithCrux, importCruxFile, renderCruxComparison, type CruxFormFactor, type FieldSummary } from "../../web/rum/crux/index.js";
import { RUM_METRICS, type ConnectionType, type DeviceClass } from "../../web/rum/model.js";
import { DEFAULT_RUM_STORE, describeRumStore, openRumStore } from "../../web/rum/open-rum-store.js";
import { getRumData } from "../../web/rum/query/get-rum-data.js";
import type { RumGroupBy, RumQuery, RumTimeRange } from "../../web/rum/query/rum-report.js";
import { installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";
import { RUM_HELP } from "./rum-help.js";

const GROUP_BY: readonly RumGroupBy[] = ["route", "device", "connection", "navigationType", "day"];

function parseCount(raw: string | undefined, name: string, allowZero = false): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || (!allowZero && n === 0)) throw usageError(`--${name} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${raw}"`);
  return n;
}

export async function runRumCommand(argv: string[], io: CliIo): Promise<number> {
  const sub = argv[0];
  const rest = argv.slice(1);
  if (sub === "serve") return runRumServe(rest, io);
  if (sub === "query") return runRumQuery(rest, io);
  if (sub === "snippet") return runRumSnippet(rest, io);
  if (sub === "crux") return runRumCrux(rest, io);
  const help = sub === "--help" || sub === "-h" || sub === "help";
  writeLine(help ? io.stdout : io.stderr, help || sub === undefined ? RUM_HELP : `perfscope rum: unknown subcommand "${sub}" (serve, query, snippet, crux)\n\n${RUM_HELP}`);
  return help ? ExitCode.ok : ExitCode.usage;
}

async function runRumServe(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  const stop = installStopSignals(io);
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        origin: { type: "string", multiple: true },
        path: { type: "string" },
        rate: { type: "string" },
        "trust-proxy": { type: "boolean" },
        "single-thread": { type: "boolean" },
        route: { type: "string", multiple: true },
        durability: { type: "string" },
        store: { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return writeLine(io.stdout, RUM_HELP), ExitCode.ok;
    json = Boolean(values.json);
    const port = parseCount(values.port ?? "8787", "port", true)!;
    if (port > 65535) throw usageError(`--port must be 0–65535, got ${port}`);
    const durability = values.durability;
    if (durability !== undefined && durability !== "normal" && durability !== "full") throw usageError(`--durability must be normal or full, got "${durability}"`);
    const rate = parseCount(values.rate, "rate", true);
    // By default the collector serves HTTP in a thread of its own (a capped young generation:
    // 143 MB peak RSS instead of 157–178 MB measured at 27–32k beacons/s) and opens the store
    // in its intake thread (parsing and writes on the second core); --single-thread keeps it
    // all on this thread (~0.8x the rate; for profiling and debugging).
    const ownStore = values["single-thread"] ? await openRumStore(values.store, durability ? { durability } : {}) : undefined;
    const options = {
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(values.path ? { path: values.path } : {}),
      ...(values.origin ? { allowedOrigins: values.origin } : {}),
      ...(rate !== undefined ? { rateLimit: rate === 0 ? (false as const) : { perIpPerSecond: rate, burst: rate * 4 } } : {}),
      ...(values["trust-proxy"] ? { trustProxy: true } : {}),
      ...(values.route ? { routeRules: values.route.map((pattern) => ({ pattern })) } : {}),
      serveSnippet: findRumSnippetFile("iife"),
      onError: (error: unknown) => writeLine(io.stderr, `perfscope rum serve: ${error instanceof Error ? error.message : String(error)}`),
    };
    const collector: RumCollector & { failure?: Promise<PerfError> } = ownStore
      ? await startRumCollector({ ...options, store: ownStore }).catch(async (error: unknown) => {
          await ownStore.close();
          throw error;
        })
      : await startRumCollectorThread({ ...options, store: values.store ?? DEFAULT_RUM_STORE, ...(durability ? { durability } : {}) });
    const beaconUrl = `${collector.url}${values.path ?? "/rum"}`;
    if (json) writeLine(io.stdout, JSON.stringify({ listening: collector.url, beacons: beaconUrl, store: describeRumStore(values.store) }));
    else {
      writeLine(io.stdout, `perfscope rum: collecting beacons at ${beaconUrl} into ${describeRumStore(values.store)}`);
      writeLine(io.stdout, `  put on your pages: <script src="${collector.url}/perfscope-rum.js" data-endpoint="${beaconUrl}" async></script>`);
      writeLine(io.stdout, "  Ctrl-C stops it (queued beacons are written first).");
    }
    let last = collector.stats().accepted;
    const ticker = values.quiet || json ? undefined : setInterval(() => {
      const s = collector.stats();
      if (s.accepted !== last) writeLine(io.stderr, `rum serve · ${s.accepted.toLocaleString("en-US")} beacons kept (+${(s.accepted - last).toLocaleString("en-US")}) · ${s.shed} shed · ${Object.values(s.rejected).reduce((a, b) => a + b, 0)} rejected`);
      last = s.accepted;
    }, 10_000);
    // A Ctrl-C while the collector was starting counts too: stop at once.
    const stopped = stop.signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve(), { once: true }));
    const died = collector.failure?.then((error) => {
      writeLine(io.stderr, `perfscope rum serve: ${collector.stats().accepted.toLocaleString("en-US")} beacons were kept before the collector stopped (as of its last report, at most a second old)`);
      throw error;
    });
    try {
      await (died ? Promise.race([stopped, died]) : stopped);
    } finally {
      if (ticker) clearInterval(ticker);
    }
    await collector.close();
    await ownStore?.close();
    const s = collector.stats();
    const summary = { accepted: s.accepted, eventsWritten: s.eventsWritten, shed: s.shed, rejected: s.rejected, writeFailed: s.writeFailed };
    if (json) writeLine(io.stdout, JSON.stringify({ stopped: true, ...summary }));
    else writeLine(io.stdout, `perfscope rum: stopped; ${s.accepted.toLocaleString("en-US")} beacons (${s.eventsWritten.toLocaleString("en-US")} events) kept in ${describeRumStore(values.store)}`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    stop.dispose();
  }
}

function parseTimeRange(raw: string | undefined): RumTimeRange | undefined {
  if (raw === undefined) return undefined;
  if (raw === "30m" || raw === "24h" || raw === "7d" || raw === "30d") return raw;
  const m = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(raw.trim());
  if (!m) throw usageError(`--since must be a duration like 30m, 24h or 7d, got "${raw}"`);
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "m" | "h" | "d"];
  const to = Date.now();
  return { from: to - ms, to };
}

/** The query options shared by `rum query` and `rum crux --compare`. */
function buildQuery(values: Record<string, string | boolean | undefined>): RumQuery {
  const metricRaw = String(values.metric ?? "core_web_vitals");
  const metric = metricRaw.toLowerCase() === "core_web_vitals" || metricRaw.toLowerCase() === "cwv" ? "core_web_vitals" : metricRaw.toUpperCase();
  if (metric !== "core_web_vitals" && !(RUM_METRICS as readonly string[]).includes(metric)) throw usageError(`unknown --metric "${metricRaw}"`, `one of ${RUM_METRICS.map((m) => m.toLowerCase()).join(", ")} or core_web_vitals`);
  const groupBy = values["group-by"] as string | undefined;
  if (groupBy !== undefined && !(GROUP_BY as readonly string[]).includes(groupBy)) throw usageError(`unknown --group-by "${groupBy}"`, `one of ${GROUP_BY.join(", ")}`);
  const percentiles = typeof values.percentiles === "string" ? values.percentiles.split(",").map((p) => Number(p.trim())) : undefined;
  const timeRange = parseTimeRange(values.since as string | undefined);
  const sampleSize = parseCount(values.samples as string | undefined, "samples");
  const limit = parseCount(values.limit as string | undefined, "limit");
  const filters: NonNullable<RumQuery["filters"]> = {};
  if (typeof values["route-filter"] === "string") filters.route = values["route-filter"];
  if (typeof values.device === "string") filters.device = values.device as DeviceClass;
  if (typeof values.connection === "string") filters.connection = values.connection as ConnectionType;
  return {
    metric: metric as RumQuery["metric"],
    ...(timeRange ? { timeRange } : {}),
    ...(groupBy ? { groupBy: groupBy as RumGroupBy } : {}),
    ...(percentiles ? { percentiles } : {}),
    ...(sampleSize ? { sampleSize } : {}),
    ...(limit ? { limit } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
  };
}

const QUERY_OPTIONS = {
  metric: { type: "string", short: "m" },
  since: { type: "string" },
  "group-by": { type: "string", short: "g" },
  "route-filter": { type: "string" },
  device: { type: "string" },
  connection: { type: "string" },
  percentiles: { type: "string" },
  samples: { type: "string" },
  limit: { type: "string" },
  store: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function runRumQuery(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values } = parseArgs({ args: argv, options: { ...QUERY_OPTIONS, "fail-on-regression": { type: "boolean" } } });
    if (values.help) return writeLine(io.stdout, RUM_HELP), ExitCode.ok;
    json = Boolean(values.json);
    const query = buildQuery(values);
    const store = await openRumStore(values.store);
    try {
      const report = await getRumData(store, query);
      writeLine(io.stdout, json ? renderJson(report) : renderRumReportTerminal(report));
      return values["fail-on-regression"] && hasRumRegression(report) ? ExitCode.thresholdFailed : ExitCode.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(io, error, json);
  }
}

async function runRumSnippet(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values } = parseArgs({ args: argv, options: { esm: { type: "boolean" }, endpoint: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
    if (values.help) return writeLine(io.stdout, RUM_HELP), ExitCode.ok;
    json = Boolean(values.json);
    const endpoint = values.endpoint ?? "https://rum.example.com/rum";
    const files = { iife: findRumSnippetFile("iife"), esm: findRumSnippetFile("esm") };
    if (json) return writeLine(io.stdout, JSON.stringify({ files, endpoint }, null, 2)), ExitCode.ok;
    const text = values.esm
      ? [
          `ESM build (web-vitals imported, not bundled): ${files.esm}`,
          "",
          `  import { initRum } from "perfscope/rum-snippet";   // your bundler resolves web-vitals/attribution`,
          `  initRum({ endpoint: "${endpoint}", sampleRate: 1 });`,
        ]
      : [
          `Script-tag build (web-vitals bundled): ${files.iife}`,
          `(perfscope rum serve also serves it at /perfscope-rum.js)`,
          "",
          `  <script src="/perfscope-rum.js" data-endpoint="${endpoint}" data-sample-rate="1" async></script>`,
        ];
    writeLine(io.stdout, [...text, "", "It sends LCP, INP, CLS, FCP, TTFB with attribution when the page is hidden: no cookies set, no personal data."].join("\n"));
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  }
}

async function runRumCrux(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...QUERY_OPTIONS, compare: { type: "boolean" }, "form-factor": { type: "string" } } });
    if (values.help) return writeLine(io.stdout, RUM_HELP), ExitCode.ok;
    json = Boolean(values.json);
    const file = positionals[0];
    if (!file) throw usageError("rum crux needs a file: a CrUX API response or a BigQuery export (JSON or NDJSON)", "perfscope rum crux crux-origin.json --compare");
    const crux = await importCruxFile(file);
    if (!values.compare) return writeLine(io.stdout, renderJson(crux)), ExitCode.ok;
    const store = await openRumStore(values.store);
    try {
      const report = await getRumData(store, { ...buildQuery(values), metric: [...RUM_METRICS] });
      const own: FieldSummary[] = Object.values(report.metrics)
        .filter((m) => m.count > 0 && m.p75 !== null)
        .map((m) => ({ metric: m.metric, count: m.count, p75: m.p75!, good: m.distribution.good, needsImprovement: m.distribution.needsImprovement, poor: m.distribution.poor }));
      if (own.length === 0) throw new PerfError("TARGET_NOT_FOUND", `no RUM data in ${describeRumStore(values.store)} for this range to compare with`, { hint: "collect some with perfscope rum serve, or widen --since" });
      const comparison = compareWithCrux(own, crux, values["form-factor"] ? { formFactor: values["form-factor"].toUpperCase() as CruxFormFactor } : {});
      writeLine(io.stdout, json ? renderJson(comparison) : renderCruxComparison(comparison));
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(io, error, json);
  }
}
