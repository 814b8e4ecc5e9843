/**
 * The snippet in a real browser: system Chromium loads the fixture pages from a local
 * server, a user clicks and types for real (trusted input through the DevTools protocol),
 * then leaves the page; the beacons that reach the server must describe what happened.
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RumBeaconMetric, RumBeaconPayload, RumMetric } from "../model.js";
import { launchChromium } from "../../../test-helpers/chromium.js";
import { findRumSnippetFile } from "./snippet-files.js";
import { startRumFixtureServer, type CapturedBeacon, type RumFixtureServer } from "./test-servers/rum-fixture-server.js";

const HERO_DELAY_MS = 500;
/** Page code: resolves once the browser has an Event Timing entry for a click of ≥ 250 ms. */
const CLICK_TIMED = `new Promise((done) => new PerformanceObserver((list, observer) => {
  if (list.getEntries().some((e) => e.name === "click" && e.duration >= 250)) { observer.disconnect(); done(true); }
}).observe({ type: "event", durationThreshold: 16, buffered: true }))`;
const repo = resolve(import.meta.dirname, "../../../..");

let browser: Browser;
let context: BrowserContext;
let server: RumFixtureServer;

beforeAll(async () => {
  // Build the current source into dist, where findRumSnippetFile looks.
  execFileSync(process.execPath, [join(repo, "scripts/build-rum-snippet.mjs")], { cwd: repo });
  const esmFile = findRumSnippetFile("esm");
  const iifeFile = findRumSnippetFile("iife");
  expect([esmFile, iifeFile]).toEqual([join(repo, "dist/web/rum/client/perfscope-rum.mjs"), join(repo, "dist/web/rum/client/perfscope-rum.iife.js")]);
  server = await startRumFixtureServer({ esmFile, iifeFile, heroDelayMs: HERO_DELAY_MS });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Beacons from one page, counting from the `since`-th beacon the server got (pages repeat across tests). */
function beaconsFor(pagePath: string, since = 0): CapturedBeacon[] {
  return server.beacons.slice(since).filter((b) => (JSON.parse(b.body) as RumBeaconPayload).url === server.baseUrl + pagePath);
}

/** Waits until the page's beacons hold every metric in `names` (the browser sends them as it unloads). */
async function waitForMetrics(pagePath: string, names: readonly RumMetric[], since: number, timeoutMs = 5000): Promise<CapturedBeacon[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const beacons = beaconsFor(pagePath, since);
    const seen = new Set(beacons.flatMap((b) => (JSON.parse(b.body) as RumBeaconPayload).metrics.map((m) => m.name)));
    if (names.every((n) => seen.has(n))) return beacons;
    if (Date.now() > deadline) throw new Error(`beacons from ${pagePath} after ${timeoutMs} ms hold ${[...seen].join(", ") || "nothing"}, expected ${names.join(", ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function metricOf(beacons: CapturedBeacon[], name: RumMetric): RumBeaconMetric {
  const all = beacons.flatMap((b) => (JSON.parse(b.body) as RumBeaconPayload).metrics).filter((m) => m.name === name);
  // One page view, one metric id per metric; a later report of the same id replaces the
  // earlier (the page may be hidden more than once), as the collector does.
  expect(new Set(all.map((m) => m.id)).size, beacons.map((b) => b.body).join("\n")).toBe(1);
  return all[all.length - 1] as RumBeaconMetric;
}

/** Leaves the page the way a user does (navigating away): the page is hidden and unloaded. */
async function leavePage(page: Page): Promise<void> {
  await page.goto("about:blank");
}

async function boxOf(page: Page, selector: string): Promise<DOMRectLike> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} has no box on the page`);
  return box;
}

/** Checks what every beacon of a page view has in common: the envelope and how it was sent. */
function expectEnvelope(beacons: CapturedBeacon[], pagePath: string): void {
  const pageIds = new Set<string>();
  for (const beacon of beacons) {
    expect(beacon.headers["content-type"]).toBe("text/plain");
    expect(beacon.headers.cookie).toBeUndefined();
    const payload = JSON.parse(beacon.body) as RumBeaconPayload;
    expect(payload.v).toBe(1);
    expect(payload.url).toBe(server.baseUrl + pagePath);
    expect(payload.navigationType).toBe("navigate");
    expect(payload.device).toBe("desktop"); // headless Chromium: 1280 px screen, not mobile
    expect(["slow-2g", "2g", "3g", "4g", "unknown"]).toContain(payload.connection);
    pageIds.add(payload.pageId);
  }
  expect(pageIds.size).toBe(1);
  expect([...pageIds][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
}

describe("RUM snippet in Chromium", () => {
  it("script-tag build: LCP is the late hero image with its phases, CLS the banner's push, FCP and TTFB", async () => {
    const page = await context.newPage();
    await page.goto(server.baseUrl + "/lcp-image.html");
    await page.waitForSelector("body[data-shifted=yes]");
    // Where the two moved boxes ended up, to work out the layout-shift score independently.
    const article = await boxOf(page, "#article");
    const hero = await boxOf(page, "#hero");
    const shift = (await boxOf(page, "#banner")).height;
    // (Page code goes in as strings: this repo's TypeScript has no DOM types.)
    const storage = await page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]");
    await page.waitForTimeout(100); // let the shift's frame be presented
    const since = server.beacons.length;
    await leavePage(page);
    const beacons = await waitForMetrics("/lcp-image.html", ["LCP", "CLS", "FCP", "TTFB"], since);
    await page.close();

    expectEnvelope(beacons, "/lcp-image.html");
    expect(storage).toEqual(["", 0, 0]); // the snippet keeps nothing in the browser

    const lcp = metricOf(beacons, "LCP");
    expect(lcp.attribution?.target).toBe("#hero");
    expect(String(lcp.attribution?.url)).toBe(server.baseUrl + "/hero.png"); // the page asked for /hero.png?session=abc
    expect(lcp.attribution?.loadDuration).toBeGreaterThan(HERO_DELAY_MS - 20);
    expect(lcp.value).toBeGreaterThan(HERO_DELAY_MS); // it cannot paint before it arrives
    // The four phases add up to the LCP time (each rounded to 0.1 ms).
    const phases = ["ttfb", "loadDelay", "loadDuration", "renderDelay"].map((k) => Number(lcp.attribution?.[k]));
    expect(Math.abs(phases.reduce((a, b) => a + b, 0) - lcp.value)).toBeLessThan(0.5);

    // Score of one shift = impact fraction × distance fraction (the Layout Instability spec),
    // from the boxes before (moved up by the banner's height) and after, in a 1280×720 viewport.
    const expectedScore = layoutShiftScore([article, hero], shift, 1280, 720);
    const cls = metricOf(beacons, "CLS");
    expect(cls.value).toBeGreaterThan(0);
    expect(Math.abs(cls.value - expectedScore)).toBeLessThan(0.002);
    expect(cls.attribution?.target).toBe("#article");
    expect(cls.attribution?.shiftValue).toBe(cls.value);
    expect(Number(cls.attribution?.shiftTime)).toBeGreaterThan(lcp.value); // the banner comes after the hero

    const ttfb = metricOf(beacons, "TTFB");
    const fcp = metricOf(beacons, "FCP");
    expect(ttfb.value).toBeGreaterThanOrEqual(0);
    expect(fcp.value).toBeGreaterThanOrEqual(ttfb.value);
    expect(lcp.value).toBeGreaterThanOrEqual(fcp.value);
    expect(fcp.attribution?.ttfb).toBe(ttfb.value);
    expect(Object.keys(ttfb.attribution ?? {}).sort()).toEqual(["cache", "connection", "dns", "request", "waiting"]);
  });

  it("ESM build through an import map: INP is the slow click, with processing dominant", async () => {
    const page = await context.newPage();
    await page.goto(server.baseUrl + "/slow-click.html");
    await page.waitForFunction("window.rumStarted === true");
    await page.keyboard.press("Tab"); // a quick interaction first, which must not be INP
    await page.click("#slow-button");
    // The browser times the click only once its frame is presented; wait for that entry,
    // then leave at once, as after a click that navigates: web-vitals has had no idle time
    // to fold the click in (headless Chromium gives none after input), which the snippet handles.
    await page.evaluate(CLICK_TIMED);
    const since = server.beacons.length;
    await leavePage(page);
    const beacons = await waitForMetrics("/slow-click.html", ["INP", "LCP", "CLS", "FCP", "TTFB"], since);
    await page.close();

    expect(server.requests).toContain("/node_modules/web-vitals/dist/web-vitals.attribution.js");
    expectEnvelope(beacons, "/slow-click.html");
    const inp = metricOf(beacons, "INP");
    const a = inp.attribution ?? {};
    expect(inp.value).toBeGreaterThanOrEqual(250);
    expect(inp.rating).toBe(inp.value > 500 ? "poor" : "needs-improvement");
    expect(String(a.target)).toContain("slow-button");
    expect(a.type).toBe("pointer");
    expect(a.processing).toBeGreaterThanOrEqual(250);
    expect(Number(a.processing)).toBeGreaterThan(Number(a.inputDelay) + Number(a.presentation));
    expect(metricOf(beacons, "CLS").value).toBe(0);
  });

  it("falls back to keepalive fetch without credentials where sendBeacon is missing", async () => {
    // A site that has a cookie: the fallback must still not send it.
    const cookieContext = await browser.newContext();
    await cookieContext.addCookies([{ name: "site-session", value: "s3cret", url: server.baseUrl }]);
    await cookieContext.addInitScript("delete Navigator.prototype.sendBeacon");
    const page = await cookieContext.newPage();
    await page.goto(server.baseUrl + "/slow-click.html");
    await page.waitForFunction("window.rumStarted === true");
    expect(await page.evaluate("[document.cookie, typeof navigator.sendBeacon]")).toEqual(["site-session=s3cret", "undefined"]);
    await page.click("#slow-button");
    await page.evaluate(CLICK_TIMED);
    const since = server.beacons.length;
    await leavePage(page);
    const beacons = await waitForMetrics("/slow-click.html", ["INP", "LCP", "CLS", "FCP", "TTFB"], since);
    await cookieContext.close();
    // fetch sends a string body as text/plain;charset=UTF-8 (still no preflight); sendBeacon's Blob as text/plain.
    for (const b of beacons) {
      expect(b.headers["content-type"]).toBe("text/plain;charset=UTF-8");
      expect(b.headers.cookie).toBeUndefined();
    }
    expect(metricOf(beacons, "INP").value).toBeGreaterThanOrEqual(250);
  });

  it("launchChromium says what to install when the browser is missing", async () => {
    const saved = process.env.PERFSCOPE_CHROMIUM;
    process.env.PERFSCOPE_CHROMIUM = join(repo, "no-such-chromium");
    try {
      await expect(launchChromium()).rejects.toMatchObject({ code: "TOOL_MISSING", hint: expect.stringContaining("bash scripts/install-test-deps.sh") });
    } finally {
      if (saved === undefined) delete process.env.PERFSCOPE_CHROMIUM;
      else process.env.PERFSCOPE_CHROMIUM = saved;
    }
  });

  it("a page view sampled out (data-sample-rate=0) sends nothing", async () => {
    const page = await context.newPage();
    await page.goto(server.baseUrl + "/sampled-out.html");
    // The snippet did load and run; it just chose not to measure.
    expect(await page.evaluate("typeof window.perfscopeRum?.initRum")).toBe("function");
    await page.click("#button");
    await leavePage(page);
    // A measured page left afterwards: once its beacons are in, the earlier page's would be too.
    await page.goto(server.baseUrl + "/lcp-image.html");
    await page.waitForSelector("body[data-shifted=yes]");
    const before = server.beacons.length;
    await leavePage(page);
    const deadline = Date.now() + 5000;
    while (beaconsFor("/lcp-image.html", before).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await page.waitForTimeout(300);
    await page.close();
    expect(beaconsFor("/lcp-image.html", before).length).toBeGreaterThan(0);
    expect(beaconsFor("/sampled-out.html")).toEqual([]);
  });
});

interface DOMRectLike {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Layout-shift score of boxes that moved down by `dy`: union area of before∪after over the viewport, times dy over its larger side. */
function layoutShiftScore(after: DOMRectLike[], dy: number, vw: number, vh: number): number {
  const boxes = after.flatMap((r) => [{ ...r, y: r.y - dy }, r]).map((r) => ({
    x0: Math.max(0, r.x), x1: Math.min(vw, r.x + r.width), y0: Math.max(0, r.y), y1: Math.min(vh, r.y + r.height),
  }));
  // Union area on a 1 px grid: small enough here (1280×720) and obviously right.
  let area = 0;
  for (let y = 0; y < vh; y++) {
    let covered = 0;
    let reach = -1;
    const spans = boxes.filter((b) => y >= b.y0 && y < b.y1).sort((p, q) => p.x0 - q.x0);
    for (const s of spans) {
      const start = Math.max(s.x0, reach);
      if (s.x1 > start) covered += s.x1 - start;
      reach = Math.max(reach, s.x1);
    }
    area += covered;
  }
  return (area / (vw * vh)) * (dy / Math.max(vw, vh));
}
