import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateRumValue, type RumEvent, type RumMetric } from "../web/rum/model.js";
import { openRumStore } from "../web/rum/open-rum-store.js";
import { parseBudgetText } from "./budget-file.js";
import { evaluateBudgets } from "./evaluate.js";
import { findLatestResults } from "./results.js";

/** Real field data in a project's RUM store: product pages are slow (LCP ~3.4 s), the home page fast (~1.2 s). */
describe("web.* budgets read the RUM store", () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), "perfscope-web-budget-"));
    const store = await openRumStore(undefined, { cwd });
    const events: RumEvent[] = [];
    const now = Date.now() - 60_000;
    const add = (i: number, route: string, metric: RumMetric, value: number) =>
      events.push({ ts: now - i * 1000, pageId: `pv-${route}-${i}`, metric, value, rating: rateRumValue(metric, value), route, url: `https://shop.example${route}`, device: "mobile", connection: "4g", navigationType: "navigate" });
    for (let i = 0; i < 200; i++) {
      add(i, "/product/:id", "LCP", 3000 + (i % 40) * 20);
      add(i, "/product/:id", "CLS", 0.02);
      add(i, "/", "LCP", 1000 + (i % 40) * 10);
    }
    await store.insertEvents(events);
    await store.close();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it("fails the slow route, passes the fast one, and folds a path into its route", async () => {
    const budget = parseBudgetText(
      JSON.stringify({
        budgets: [
          { metric: "web.lcp", page: "/product/:id", max: "2.5s" },
          { metric: "web.lcp", page: "/", max: "2.5s" },
          { metric: "web.lcp", page: "/product/123", max: "2.5s" },
          { metric: "web.cls", page: "*", max: 0.1 },
          { metric: "web.inp", page: "/", max: "200ms" },
        ],
      }),
      join(cwd, "perfscope.budget.json"),
    );
    const results = await findLatestResults(cwd);
    const report = evaluateBudgets(budget, results);
    const [product, home, path, cls, inp] = report.entries;
    expect(product).toMatchObject({ status: "fail" });
    expect(product!.actual!.value).toBeGreaterThan(3300);
    expect(product!.actual!.value).toBeLessThan(3900);
    expect(product!.evidence).toMatch(/RUM p75, last 24 h/);
    expect(product!.note).toMatch(/200 page views/);
    expect(home).toMatchObject({ status: "pass" });
    expect(path).toMatchObject({ status: "fail" });
    expect(path!.note).toMatch(/route \/product\/:id/);
    expect(cls).toMatchObject({ status: "pass" });
    expect(inp).toMatchObject({ status: "no-data" });
    expect(inp!.note).toMatch(/no INP values/);
    expect(report.verdict).toBe("fail");
  });
});
