import { describe, expect, it } from "vitest";
import { makeBeacon } from "./test-helpers/collector-kit.js";
import { validateRumBeacon } from "./validate-beacon.js";

type Json = Record<string, unknown>;

/** The beacon as it arrives: a fresh parsed copy the test may break. */
function wire(): Json & { metrics: Json[] } {
  return JSON.parse(JSON.stringify(makeBeacon())) as Json & { metrics: Json[] };
}

function errorOf(value: unknown): string | undefined {
  const check = validateRumBeacon(value);
  return check.ok ? undefined : check.error;
}

describe("validateRumBeacon: accepts what the snippet sends", () => {
  it("accepts a full beacon and a minimal one", () => {
    expect(errorOf(wire())).toBeUndefined();
    expect(errorOf({ v: 1, url: "http://localhost:3000/", pageId: "a", metrics: [{ name: "FCP", value: 0, rating: "good", id: "v5-1" }] })).toBeUndefined();
  });

  it("accepts values on the edges of every limit", () => {
    const b = wire();
    b.url = "https://example.com/" + "a".repeat(2048 - "https://example.com/".length);
    b.pageId = "x".repeat(64);
    b.metrics = Array.from({ length: 20 }, (_, i) => ({ name: i % 2 ? "CLS" : "INP", value: i % 2 ? 100 : 3_600_000, rating: "poor", id: `m-${i}` }));
    b.metrics[0]!.attribution = { target: "é🙂".repeat(66) + "ab", inputDelay: 0, loadState: "complete" };
    expect(errorOf(b)).toBeUndefined();
  });
});

describe("validateRumBeacon: names the field that is wrong", () => {
  it.each<[string, (b: Json & { metrics: Json[] }) => void, string]>([
    ["v", (b) => (b.v = 2), "v: expected 1"],
    ["url type", (b) => (b.url = 5), "url: expected a string"],
    ["url scheme", (b) => (b.url = "javascript:alert(1)"), "url: expected an http(s) URL of printable ASCII"],
    ["url control", (b) => (b.url = "https://a.example/\n"), "url: expected an http(s) URL of printable ASCII"],
    ["url length", (b) => (b.url = "https://a.example/" + "a".repeat(2040)), "url: longer than 2048 characters"],
    ["pageId", (b) => (b.pageId = "x'; DROP TABLE rum_events;--"), "pageId: expected 1 to 64 characters of A-Z a-z 0-9 . _ -"],
    ["pageId empty", (b) => (b.pageId = ""), "pageId: expected 1 to 64 characters of A-Z a-z 0-9 . _ -"],
    ["navigationType", (b) => (b.navigationType = "teleport"), "navigationType: expected one of navigate, reload, back-forward, back-forward-cache, prerender, restore"],
    ["device", (b) => (b.device = "phone"), "device: expected one of mobile, tablet, desktop, unknown"],
    ["deviceMemory", (b) => (b.deviceMemory = "8"), "deviceMemory: expected a finite number from 0 to 1024"],
    ["extra key", (b) => (b.userId = "u1"), 'unexpected key "userId"'],
    ["metrics empty", (b) => (b.metrics = []), "metrics: expected 1 to 20 entries"],
    ["metrics too many", (b) => (b.metrics = Array.from({ length: 21 }, () => b.metrics[0]!)), "metrics: expected 1 to 20 entries"],
    ["metrics not array", (b) => (b.metrics = { 0: {} } as unknown as Json[]), "metrics: expected an array"],
    ["name", (b) => (b.metrics[1]!.name = "FID"), "metrics[1].name: expected one of LCP, INP, CLS, FCP, TTFB"],
    ["value type", (b) => (b.metrics[2]!.value = "0.1"), "metrics[2].value: expected a finite number"],
    ["value infinite", (b) => (b.metrics[0]!.value = Infinity), "metrics[0].value: expected a finite number"],
    ["value negative", (b) => (b.metrics[0]!.value = -1), "metrics[0].value: expected 0 to 3600000 for LCP"],
    ["CLS range", (b) => (b.metrics[2]!.value = 101), "metrics[2].value: expected 0 to 100 for CLS"],
    ["rating", (b) => (b.metrics[3]!.rating = "excellent"), "metrics[3].rating: expected one of good, needs-improvement, poor"],
    ["id", (b) => (b.metrics[0]!.id = 7), "metrics[0].id: expected a string"],
    ["metric extra key", (b) => (b.metrics[0]!.delta = 3), 'metrics[0]: unexpected key "delta"'],
    ["attribution shape", (b) => (b.metrics[0]!.attribution = ["x"]), "metrics[0].attribution: expected an object"],
    ["attribution key", (b) => ((b.metrics[3]!.attribution as Json).target = "div"), 'metrics[3].attribution: unexpected key "target" for TTFB'],
    ["attribution number", (b) => ((b.metrics[0]!.attribution as Json).ttfb = "310"), "metrics[0].attribution.ttfb: expected a finite number"],
    ["attribution range", (b) => ((b.metrics[0]!.attribution as Json).loadDelay = -4), "metrics[0].attribution.loadDelay: expected 0 to 3600000"],
    ["attribution string", (b) => ((b.metrics[1]!.attribution as Json).target = 12), "metrics[1].attribution.target: expected a string"],
    ["attribution long", (b) => ((b.metrics[1]!.attribution as Json).target = "x".repeat(201)), "metrics[1].attribution.target: longer than 200 characters"],
    ["attribution bidi", (b) => ((b.metrics[1]!.attribution as Json).target = "a\u202eb"), "metrics[1].attribution.target: control, bidi-override or lone-surrogate characters"],
    ["attribution surrogate", (b) => ((b.metrics[1]!.attribution as Json).target = "a\ud800"), "metrics[1].attribution.target: control, bidi-override or lone-surrogate characters"],
    ["attribution control", (b) => ((b.metrics[1]!.attribution as Json).type = "\u001b[31mred"), "metrics[1].attribution.type: control, bidi-override or lone-surrogate characters"],
  ])("%s", (_name, breakIt, message) => {
    const b = wire();
    breakIt(b);
    expect(errorOf(b)).toBe(message);
  });

  it("refuses prototype keys that JSON.parse made own properties", () => {
    expect(errorOf(JSON.parse('{"__proto__":{"x":1},"v":1}'))).toBe('unexpected key "__proto__"');
    const metric = JSON.parse('{"name":"INP","value":1,"rating":"good","id":"a","attribution":{"constructor":{"prototype":{}}}}') as Json;
    expect(errorOf({ ...wire(), metrics: [metric] })).toBe('metrics[0].attribution: unexpected key "constructor" for INP');
  });

  it("refuses what is not an object", () => {
    for (const v of [null, [], 1, "beacon", true]) expect(errorOf(v)).toBe("body: expected a JSON object");
  });

  it("makes keys from the wire safe to echo", () => {
    const b = wire();
    b["\u202e<script>" + "x".repeat(100)] = 1;
    expect(errorOf(b)).toBe('unexpected key "?<script>xxxxxxxxxxxxxxxxxxxxxxx"');
  });
});
