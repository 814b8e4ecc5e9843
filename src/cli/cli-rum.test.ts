import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const cli = join(repo, "dist", "cli", "main.js");
const work = mkdtempSync(join(tmpdir(), "perfscope-cli-rum-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function beacon(i: number, route: string, lcp: number): string {
  return JSON.stringify({
    v: 1,
    url: `https://shop.example${route}${i}?utm_source=mail`,
    pageId: `pv-${route.replace(/\W/g, "")}-${i}`,
    navigationType: "navigate",
    metrics: [
      { name: "LCP", value: lcp, rating: "good", id: `v5-${i}-1`, attribution: { target: route === "/product/" ? "img.hero" : "h1", ttfb: 100, loadDelay: 50, loadDuration: lcp - 300, renderDelay: 150 } },
      { name: "CLS", value: 0.01, rating: "good", id: `v5-${i}-2` },
    ],
  });
}

describe("perfscope rum (built CLI)", () => {
  it.each([
    ["", []],
    [" (--single-thread)", ["--single-thread"]],
  ])("serve%s keeps every beacon it acknowledged through Ctrl-C; query names the slow route and its LCP element", async (_, mode: string[]) => {
    // The first run fills the default store, which the CrUX comparison below reads.
    const store = mode.length > 0 ? ["--store", "single-thread.sqlite"] : [];
    const server = spawn(process.execPath, [cli, "rum", "serve", "--port", "0", "--json", "--rate", "0", ...store, ...mode], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    const beaconsUrl = await new Promise<string>((resolveUrl, reject) => {
      server.stdout.setEncoding("utf8");
      server.stdout.on("data", (chunk: string) => {
        lines.push(...chunk.split("\n").filter(Boolean));
        const ready = lines.find((l) => l.includes('"listening"'));
        if (ready) resolveUrl((JSON.parse(ready) as { beacons: string }).beacons);
      });
      server.once("exit", (code) => reject(new Error(`rum serve exited with ${code}`)));
    });
    expect(beaconsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rum$/);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const slow = await fetch(beaconsUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: beacon(i, "/product/", 4200 + i * 10) });
      const fast = await fetch(beaconsUrl, { method: "POST", headers: { "content-type": "text/plain" }, body: beacon(i, "/about/", 900 + i) });
      statuses.push(slow.status, fast.status);
    }
    const bad = await fetch(beaconsUrl, { method: "POST", body: '{"v":1,"url":"javascript:alert(1)"}' });
    expect(bad.status).toBe(400);
    expect(statuses.every((s) => s === 204)).toBe(true);
    server.kill("SIGINT");
    const code = await new Promise<number | null>((done) => server.once("exit", done));
    expect(code).toBe(0);
    const stopped = JSON.parse(lines.find((l) => l.includes('"stopped"'))!) as { accepted: number; eventsWritten: number };
    expect(stopped).toMatchObject({ accepted: 80, eventsWritten: 160 });

    const q = run(["rum", "query", "--metric", "lcp", "--group-by", "route", "--json", ...store]);
    expect(q.code, q.stderr).toBe(0);
    const report = JSON.parse(q.stdout) as { metrics: { LCP: { count: number; slowestRoutes: { routes: { route: string; rating: string }[] }; topAttribution: { targets: { target: string }[] } } } };
    expect(report.metrics.LCP.count).toBe(80);
    expect(report.metrics.LCP.slowestRoutes.routes[0]).toMatchObject({ route: "/product/:id", rating: "poor" });
    expect(report.metrics.LCP.slowestRoutes.routes[1]).toMatchObject({ route: "/about/:id", rating: "good" });
    expect(report.metrics.LCP.topAttribution.targets.map((t) => t.target).sort()).toEqual(["h1", "img.hero"]);

    const text = run(["rum", "query", ...store]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/LCP\s+p75 [\d.]+ s\s+NEEDS IMPROVEMENT|LCP\s+p75 [\d.]+ s\s+POOR/);
    expect(text.stdout).toMatch(/slowest routes/);
    expect(text.stdout).toMatch(/\/product\/:id/);
  }, 60_000);

  it("prints the snippet tag and where the built files are", () => {
    const r = run(["rum", "snippet", "--endpoint", "https://rum.shop.example/rum"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data-endpoint="https://rum.shop.example/rum"');
    expect(r.stdout).toMatch(/perfscope-rum\.iife\.js/);
  });

  it("usage errors exit 2 and say what is allowed", () => {
    const metric = run(["rum", "query", "--metric", "fid"]);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/unknown --metric "fid".*lcp, inp, cls, fcp, ttfb/s);
    const since = run(["rum", "query", "--since", "yesterday"]);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since/);
    const sub = run(["rum", "collect"]);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/unknown subcommand "collect"/);
  });

  it("imports a CrUX API response and compares it with the stored field data", () => {
    const fixture = join(repo, "src", "web", "rum", "crux", "fixtures", "crux-api-origin-phone.json");
    const imported = run(["rum", "crux", fixture]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ version: 1, source: "crux-api" });
    const compared = run(["rum", "crux", fixture, "--compare"]);
    expect(compared.code, compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/LCP/);
    expect(compared.stdout).toMatch(/CrUX/);
  });
});
