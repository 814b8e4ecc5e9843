// core-web-vitals: real-user Core Web Vitals from the server's RUM store: the p75 of LCP,
// INP and CLS with their rating, the share of poor visits, and the routes that drag them
// down. Up to `sampleSize` page views are read into the script and summarised here.
declare const args: { timeRange: "30m" | "24h" | "7d" | "30d"; sampleSize: number; routes: number };

const rum = await perf.getRumData({ metric: "core_web_vitals", timeRange: args.timeRange, sampleSize: args.sampleSize });
const views: { route: string; lcp?: number; inp?: number; cls?: number }[] = rum.samples ?? [];
const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
const metrics = perf.CORE_WEB_VITALS as ("LCP" | "INP" | "CLS")[];

const counts = metrics.map((m) => rum.metrics[m]?.count ?? 0);
console.log(`Core Web Vitals, p75 of real users (${args.timeRange}, ${Math.max(...counts)} page views):`);
const notGood: string[] = [];
for (const m of metrics) {
  const r = rum.metrics[m];
  if (!r || r.count === 0) {
    console.log(`  ${m}: no data`);
    continue;
  }
  console.log(`  ${m}: ${perf.formatRumValue(m, r.p75)} — ${r.rating} (${pct(r.distribution.poor)} of visits poor)`);
  if (r.rating !== "good") notGood.push(m);
}

// Per route, from the page views: how many visits were poor on each failing metric.
for (const m of notGood) {
  const key = m.toLowerCase() as "lcp" | "inp" | "cls";
  const poorAbove = perf.RUM_THRESHOLDS[m].poor;
  const byRoute = new Map<string, { poor: number; all: number }>();
  for (const v of views) {
    const value = v[key];
    if (value === undefined) continue;
    const e = byRoute.get(v.route) ?? { poor: 0, all: 0 };
    e.all++;
    if (value > poorAbove) e.poor++;
    byRoute.set(v.route, e);
  }
  const slow = rum.metrics[m].slowestRoutes.routes.slice(0, args.routes);
  console.log(`Slowest routes by ${m} p75:`);
  for (const s of slow) {
    const seen = byRoute.get(s.route);
    const poor = seen ? `, ${seen.poor} of ${seen.all} sampled visits poor (> ${perf.formatRumValue(m, poorAbove)})` : "";
    console.log(`  ${s.route}: ${perf.formatRumValue(m, s.p75)} — ${s.rating}${poor}`);
  }
}
if (notGood.length === 0) console.log("All three pass at p75: no route to fix first.");
else console.log(`Fix first: ${notGood.map((m) => `${rum.metrics[m].slowestRoutes.routes[0]?.route ?? "?"} (${m})`).join(", ")}.`);
