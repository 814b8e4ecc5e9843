/**
 * The shipped core-web-vitals and breaking-point skills through run_skill: a RUM store
 * filled with 24 h of known page views (checkout paints slowly), and a real loopback server
 * with 8 service slots of 20 ms each (capacity 400 req/s, latency bends past 8 in flight).
 */
import { afterAll, describe, expect, it } from "vitest";
import { startSlowAboveConcurrencyServer } from "../../load/test-servers/index.js";
import { openRumStore } from "../../web/rum/open-rum-store.js";
import { makeShopPageViews } from "../../web/rum/test-helpers/shop-page-views.js";
import { callTool, NO_ACCESS, startScriptServer, textOf } from "./test-helpers/script-server.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.splice(0)) await f();
});

/** 3,000 page views over the last 17 h: a third on /checkout with LCP 4.2–4.8 s, the rest 1.2–1.7 s. */
async function fillRumStore(root: string): Promise<number> {
  const store = await openRumStore(undefined, { cwd: root });
  const views = 3000;
  const events = makeShopPageViews(views, 20_000);
  await store.insertEvents(events);
  await store.close();
  return views;
}

describe.concurrent("starter skills on real targets (RUM, load)", () => {
  it("core-web-vitals rates LCP poor, INP and CLS good, and names /checkout as the slow route", async () => {
    const s = await startScriptServer();
    cleanup.push(s.close);
    const views = await fillRumStore(s.root);
    const r = await callTool(s.client, "run_skill", { name: "core-web-vitals", args: {} });
    const text = textOf(r);
    expect(r.isError, text).toBeFalsy();
    expect(text).toContain(`(24h, ${views} page views)`);
    expect(text).toMatch(/ {2}LCP: 4\.\d\d s — poor/);
    expect(text).toMatch(/ {2}INP: \d+ ms — good/);
    expect(text).toMatch(/ {2}CLS: 0\.\d+ — good/);
    const routes = text.split("Slowest routes by LCP p75:\n")[1]!.split("\n");
    expect(routes[0]).toMatch(/^ {2}\/checkout: 4\.\d\d s — poor, 1000 of 1000 sampled visits poor/);
    expect(routes[1]).not.toContain("/checkout");
    expect(text).not.toContain("Slowest routes by INP");
    expect(text).toContain("Fix first: /checkout (LCP).");
    expect(Buffer.byteLength(text)).toBeLessThan(1000);
  }, 60_000);

  it("breaking-point finds the knee at the server's 8 slots (~400 req/s) and the break at 16 connections", async () => {
    const slots = 8;
    const serviceMs = 20;
    const target = await startSlowAboveConcurrencyServer({ concurrency: slots, serviceMs });
    cleanup.push(() => target.close());
    const s = await startScriptServer({ policy: { ...NO_ACCESS, allowedTargets: [new URL(target.url).origin] } });
    cleanup.push(s.close);
    const r = await callTool(s.client, "run_skill", { name: "breaking-point", args: { target: target.url, levels: [2, 4, 8, 16, 32], levelDuration: "1s" } });
    const text = textOf(r);
    expect(r.isError, text).toBeFalsy();
    const m = /^Breaking point: (\d+) connections; the knee is at (\d+) \((\d+) req\/s\)\./.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBe(16);
    expect(Number(m![2])).toBe(slots);
    const capacity = (slots / serviceMs) * 1000;
    expect(Number(m![3])).toBeGreaterThan(0.6 * capacity);
    expect(Number(m![3])).toBeLessThan(1.05 * capacity);
    expect(text).toMatch(/What broke: .+/);
    expect((r.structuredContent!.files as { path: string }[]).map((f) => f.path)).toEqual(expect.arrayContaining(["breaking-point/breaking-point.json", "breaking-point/load-results.json"]));
  }, 60_000);
});
