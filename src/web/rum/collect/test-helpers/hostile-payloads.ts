/**
 * A seeded generator of malformed and hostile beacon requests. Every request it makes is
 * wrong by construction (the kind says how), so a collector must answer each with a 4xx
 * and store nothing.
 */
import type { RumBeaconPayload } from "../../model.js";
import { createRandom } from "../../store/test-helpers/seeded-random.js";
import { makeBeacon } from "./collector-kit.js";

export interface HostileRequest {
  kind: string;
  method: "POST" | "PUT" | "DELETE" | "PATCH" | "GET" | "OPTIONS" | "PROPFIND" | "TRACE";
  body?: Buffer | string;
  headers: Record<string, string>;
}

type Json = Record<string, unknown>;
type Pick = <T>(items: readonly T[]) => T;

const TEXT = { "content-type": "text/plain;charset=UTF-8" };
const INJECTIONS = ["'; DROP TABLE rum_events;--", "1 OR 1=1", "\" OR \"\"=\"", "admin'--", "1; SELECT * FROM sqlite_master", "$(rm -rf /)", "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x/a}"];
const CONTROL = ["\u0000", "\u0007", "\b", "\n", "\r", "\u001b[31m", "\u007f", "\u0085", "\u009b"];
const BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"];
const SURROGATES = ["\ud800", "\udfff", "\udc00x", "a\ud83d"];
const WRONG_TYPES: readonly unknown[] = [null, true, false, 0, -1, "", "x", [], {}, [1, 2], { a: 1 }];

function beaconJson(): Json {
  return JSON.parse(JSON.stringify(makeBeacon())) as Json;
}

function metricsOf(b: Json): Json[] {
  return b.metrics as Json[];
}

/** Builds one wrong beacon object (still JSON-serialisable). */
function mutateBeacon(random: () => number, pick: Pick): { kind: string; value: unknown } {
  const b = beaconJson();
  const m = pick(metricsOf(b));
  const attribution = (m.attribution ??= { target: "div" }) as Json;
  const hostileText = (): string => pick([pick(INJECTIONS) + pick(CONTROL), pick(BIDI) + "nimda", "a" + pick(SURROGATES) + "b", pick(CONTROL)]);
  const cases: Array<() => string> = [
    () => ((b.v = pick([0, 2, "1", 1.5, null, true])), "v"),
    () => (delete b.v, "v missing"),
    () => ((b.url = pick([...WRONG_TYPES.filter((x) => typeof x !== "string"), 42])), "url type"),
    () => ((b.url = pick(["javascript:alert(1)", "ftp://example.com/x", "data:text/html,<b>x</b>", "//example.com/x", "/relative", "file:///etc/passwd", "https://", "https://exa mple.com/"])), "url scheme"),
    // As the whole URL (no scheme), or inside one with the raw space no browser would send.
    () => ((b.url = pick([pick(INJECTIONS), `https://example.com/search?q=${pick(INJECTIONS)} `])), "url injection"),
    () => ((b.url = "https://example.com/" + pick([...CONTROL, ...BIDI, ...SURROGATES]) + "x"), "url unicode"),
    () => ((b.url = "https://example.com/" + "a".repeat(2040 + Math.floor(random() * 500))), "url too long"),
    () => ((b.pageId = pick([...INJECTIONS, "", "x".repeat(65), "a b", "é", ...BIDI, ...SURROGATES, ...CONTROL])), "pageId"),
    () => ((b.pageId = pick(WRONG_TYPES.filter((x) => typeof x !== "string"))), "pageId type"),
    () => ((b.navigationType = pick(["teleport", "NAVIGATE", 1, null, ...INJECTIONS])), "navigationType"),
    () => ((b.device = pick(["phone", "Mobile", 7, null, ...INJECTIONS])), "device"),
    () => ((b.connection = pick(["5g", "wifi", 4, null])), "connection"),
    () => ((b.deviceMemory = pick(["8", -1, 1e6, null, true])), "deviceMemory"),
    () => ((b.metrics = pick([[], {}, "LCP", null, 3])), "metrics shape"),
    () => ((b.metrics = Array.from({ length: 21 + Math.floor(random() * 40) }, () => ({ name: "TTFB", value: 1, rating: "good", id: "i" }))), "too many metrics"),
    () => ((m.name = pick(["FID", "lcp", "TBT", "", null, 1, "__proto__", ...INJECTIONS])), "metric name"),
    () => ((m.value = pick(["100", null, true, [], {}, "NaN"])), "value type"),
    () => ((m.value = pick([-1, -0.001, 3_600_001, 1e308, -1e308])), "value range"),
    () => ((m.name = "CLS"), (m.value = 100.5), (m.attribution = undefined), "CLS range"),
    () => ((m.rating = pick(["excellent", "Good", "", 1, null, ...INJECTIONS])), "rating"),
    () => ((m.id = pick([...INJECTIONS, "", "x".repeat(65), 5, null, ...SURROGATES])), "metric id"),
    () => ((m.extra = pick([1, "x", {}])), "metric extra key"),
    () => ((m.attribution = pick(["target", 5, [], [["target", "x"]], null])), "attribution shape"),
    () => ((attribution[pick(["node", "element", "target'--", "__defineGetter__", "", "x".repeat(300)])] = "x"), "attribution key"),
    () => (Object.keys(attribution).length === 0 || m.name === "TTFB" ? ((m.name = "LCP"), (m.attribution = { target: hostileText() })) : (attribution.target = hostileText()), "attribution text"),
    () => ((m.name = "LCP"), (m.attribution = { target: "x".repeat(201 + Math.floor(random() * 300)) }), "attribution too long"),
    () => ((m.name = "LCP"), (m.attribution = { ttfb: pick(["12", -5, 1e300, null, true, {}]) }), "attribution number"),
    () => ((m.name = "LCP"), (m.attribution = { target: 42 }), "attribution string type"),
    () => ((b[pick(["user", "ip", "cookie", "extra", "V", "Url", "metrics "])] = "x"), "extra top-level key"),
  ];
  const kind = pick(cases)();
  return { kind, value: b };
}

/** Prototype-pollution keys: JSON.parse makes them own properties, which must be refused. */
function pollutionBody(pick: Pick): { kind: string; body: string } {
  const base = JSON.stringify(beaconJson()).slice(1);
  const at = pick(["top", "metric", "attribution"]);
  const key = pick(["__proto__", "constructor", "prototype"]);
  const payload = key === "constructor" ? '{"prototype":{"polluted":true}}' : '{"polluted":true}';
  if (at === "top") return { kind: "pollution top", body: `{"${key}":${payload},${base}` };
  const metric = at === "metric" ? `{"${key}":${payload},"name":"INP","value":10,"rating":"good","id":"a"}` : `{"name":"INP","value":10,"rating":"good","id":"a","attribution":{"${key}":${payload}}}`;
  return { kind: `pollution ${at}`, body: `{"v":1,"url":"https://a.example/","pageId":"p1","metrics":[${metric}]}` };
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** Raw bodies that are not one valid beacon at all. */
function rawBody(random: () => number, pick: Pick, maxBodyBytes: number): { kind: string; body: Buffer | string; headers?: Record<string, string> } {
  const valid = JSON.stringify(makeBeacon());
  const cases: Array<() => { kind: string; body: Buffer | string; headers?: Record<string, string> }> = [
    () => ({ kind: "truncated json", body: valid.slice(0, 1 + Math.floor(random() * (valid.length - 1))) }),
    () => ({ kind: "garbage", body: Buffer.from(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256))) }),
    () => ({ kind: "not json", body: pick(["", " ", "undefined", "NaN", "{v:1}", "{'v':1}", "<xml/>", "v=1&url=x", "\ufeff" + valid, valid + "x", valid + valid]) }),
    () => ({ kind: "json not a beacon", body: pick(["null", "[]", "1", "\"beacon\"", "true", "{}", "[" + valid + "]", "1e400"]) }),
    () => ({ kind: "non-finite", body: valid.replace(/"value":[0-9.]+/, `"value":${pick(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "0x10", "01", "+5", ".5"])}`) }),
    () => ({ kind: "deep nesting", body: valid.replace(/"target":"[^"]*"/, `"target":${nested(200 + Math.floor(random() * 2000), "{\"a\":", "}", "1")}`) }),
    () => ({ kind: "deep arrays", body: nested(1000 + Math.floor(random() * 6000), "[", "]", "0") }),
    () => ({ kind: "invalid utf-8", body: Buffer.concat([Buffer.from(valid.slice(0, 60)), Buffer.from(pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]])), Buffer.from(valid.slice(60))]) }),
    () => ({ kind: "over the cap", body: "{\"v\":1,\"pad\":\"" + "x".repeat(maxBodyBytes + Math.floor(random() * maxBodyBytes * 8)) + "\"}" }),
    () => ({ kind: "huge array over the cap", body: JSON.stringify({ ...makeBeacon(), metrics: Array.from({ length: 400 + Math.floor(random() * 3000) }, (_, i) => ({ name: "LCP", value: i, rating: "good", id: `m${i}` })) }) }),
    () => ({ kind: "wrong media type", body: valid, headers: { "content-type": pick(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "application/xml", "image/png"]) } }),
  ];
  return pick(cases)();
}

/** `count` hostile requests from `seed`: the same seed gives the same requests. */
export function generateHostileRequests(seed: number, count: number, maxBodyBytes: number): HostileRequest[] {
  const random = createRandom(seed);
  const pick: Pick = (items) => items[Math.floor(random() * items.length)] as (typeof items)[number];
  const out: HostileRequest[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.55) {
      const { kind, value } = mutateBeacon(random, pick);
      out.push({ kind, method: "POST", body: JSON.stringify(value), headers: TEXT });
    } else if (roll < 0.62) {
      const { kind, body } = pollutionBody(pick);
      out.push({ kind, method: "POST", body, headers: TEXT });
    } else if (roll < 0.95) {
      const { kind, body, headers } = rawBody(random, pick, maxBodyBytes);
      out.push({ kind, method: "POST", body, headers: headers ?? TEXT });
    } else {
      const method = pick(["PUT", "DELETE", "PATCH", "GET", "PROPFIND", "TRACE"] as const);
      const withBody = method !== "GET" && method !== "TRACE";
      out.push({ kind: `method ${method}`, method, body: withBody ? JSON.stringify(makeBeacon()) : undefined, headers: withBody ? TEXT : {} });
    }
  }
  return out;
}

/** A valid beacon, for the control request that proves the collector still stores after the storm. */
export function controlBeacon(): RumBeaconPayload {
  return makeBeacon();
}
