export const RUM_HELP = `perfscope rum — real-user monitoring: a beacon snippet, a collector, and field queries

Usage:
  perfscope rum serve [--port 8787] [--host 127.0.0.1] [--origin https://shop.example]
                                              collect beacons from real browsers into the store
  perfscope rum query [--metric lcp|inp|cls|fcp|ttfb|core_web_vitals] [--since 24h]
                      [--group-by route|device|connection|navigationType|day]
                                              p50/p75/p95, good/NI/poor shares, slowest pages,
                                              top LCP elements and INP targets, daily trend
  perfscope rum snippet [--esm]               how to put the snippet on a page (and where its file is)
  perfscope rum crux <file.json> [--compare]  import a CrUX API / BigQuery export; compare with
                                              your own field data

Options:
  --store <path|url>     the RUM store: a SQLite file (default .perfscope/rum.sqlite) or
                         postgres://user@host/db for a team
  --port <n>             serve: port (default 8787; 0 picks a free one)
  --host <addr>          serve: address to listen on (default 127.0.0.1; 0.0.0.0 exposes it)
  --origin <url>         serve: allow beacons from this page origin (CORS); repeatable; * for any
  --path <p>             serve: beacon path (default /rum)
  --rate <n>             serve: beacons per second per client IP (default 50, burst 200); 0 = off
  --trust-proxy          serve: take the client IP from the last X-Forwarded-For entry (behind one proxy you run)
  --route <template>     serve: a route rule such as /blog/:slug (repeatable; tried first)
  --durability <d>       serve: normal (survives a crash of perfscope, default) or full
                         (fsync every batch: survives a power cut)
  --single-thread        serve: HTTP, parsing and writes all on the main thread, not in two
                         workers (one thread to profile or debug; ~0.8× the peak rate measured)
  --metric <m>           query: one metric or core_web_vitals (LCP, INP, CLS; default)
  --since <time>         query: time range back from now (default 24h; 30m, 7d)
  --group-by <key>       query: break every metric down by route, device, connection,
                         navigationType or day
  --route-filter <r>     query: only this route;  --device <d>, --connection <c> likewise
  --percentiles <list>   query: e.g. 50,75,95,99 (default 50,75,95)
  --samples <n>          query: also return up to n page views with their metrics
  --fail-on-regression   query: exit 1 when a metric's p75 got significantly worse
  --json                 print JSON
  -h, --help             this help

Examples:
  perfscope rum serve --port 8787 --origin https://shop.example
  perfscope rum snippet
  perfscope rum query --metric lcp --group-by route
  perfscope rum query --since 7d --json
  perfscope rum crux crux-origin.json --compare

The snippet sends LCP, INP, CLS, FCP and TTFB with their attribution (web-vitals) as one
text/plain beacon when the page is hidden: no cookies, no personal data. The collector
folds URLs into routes (/product/:id), recomputes ratings, and answers a beacon only after
it is committed. Percentiles come from histograms with 1% relative accuracy; the good /
needs-improvement / poor shares are counted exactly, as CrUX reports them.
Exit codes: 0 ok · 1 a p75 regressed (--fail-on-regression) · 2 usage · 3 runtime.`;
