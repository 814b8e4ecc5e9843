import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PerfError } from "../../core/errors.js";
import type { LoadOptions } from "../model.js";
import { exportToK6Script } from "./k6.js";

interface Sent {
  method: string;
  url: string;
  body: string | null;
  params: { headers: Record<string, string>; timeout: string };
}

/** Runs the generated script's module body with stand-ins for k6's modules; returns its options and default function. */
function loadScript(script: string, status = 200) {
  const sent: Sent[] = [];
  let failures = 0;
  const http = {
    request: (method: string, url: string, body: string | null, params: Sent["params"]) => {
      sent.push({ method, url, body, params });
      return { status };
    },
  };
  class Counter {
    add(n: number) {
      failures += n;
    }
  }
  const body = script
    .split("\n")
    .filter((l) => !l.startsWith("import "))
    .join("\n")
    .replace("export const options", "const options")
    .replace("export default function", "const main = function");
  // k6/execution: the iteration counter advances after each call of main.
  const exec = { scenario: { iterationInTest: 0 } };
  const factory = new Function("http", "Counter", "exec", `${body}\nreturn { options, main };`) as (h: typeof http, c: typeof Counter, e: typeof exec) => { options: Record<string, unknown>; main: () => void };
  const mod = factory(http, Counter, exec);
  const main = (): void => {
    mod.main();
    exec.scenario.iterationInTest++;
  };
  return { options: mod.options, main, sent, failures: () => failures };
}

const dir = mkdtempSync(join(tmpdir(), "perfscope-k6-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("exportToK6Script", () => {
  it("writes a script node accepts as an ES module", () => {
    const script = exportToK6Script({ target: "http://127.0.0.1:3000/", concurrency: 5, duration: "10s", thresholds: ["p95<200ms"] });
    const file = join(dir, "closed.mjs");
    writeFileSync(file, script);
    expect(() => execFileSync(process.execPath, ["--check", file], { stdio: "pipe" })).not.toThrow();
  });

  it("maps the closed model to constant-vus and the thresholds to k6 metrics", () => {
    const { options } = loadScript(
      exportToK6Script({ target: "http://127.0.0.1:3000/", concurrency: 25, duration: 30, thresholds: ["p95<200ms", "p99.9<1s", "mean<=50", "errors<1%", "errors<5", "rps>100"] }),
    );
    expect(options.scenarios).toEqual({ perfscope: { executor: "constant-vus", vus: 25, duration: "30s" } });
    expect(options.thresholds).toEqual({
      http_req_duration: ["p(95)<200", "p(99.9)<1000", "avg<=50"],
      http_req_failed: ["rate<0.01"],
      perfscope_errors: ["count<5"],
      http_reqs: ["rate>100"],
    });
  });

  it("maps the open model to constant-arrival-rate, and stages to ramping-arrival-rate", () => {
    const constant = loadScript(exportToK6Script({ target: "http://127.0.0.1:3000/", requestsPerSecond: 500, concurrency: 64, duration: "1500ms" }));
    expect(constant.options.scenarios).toEqual({
      perfscope: { executor: "constant-arrival-rate", rate: 500, timeUnit: "1s", duration: "1500ms", preAllocatedVUs: 64, maxVUs: 64 },
    });
    const ramp = loadScript(
      exportToK6Script({
        target: "http://127.0.0.1:3000/",
        stages: [
          { duration: "30s", target: 100 },
          { duration: "1m", target: 2000 },
          { duration: 10, target: 0 },
        ],
      }),
    );
    expect(ramp.options.scenarios).toEqual({
      perfscope: {
        executor: "ramping-arrival-rate",
        startRate: 0,
        timeUnit: "1s",
        preAllocatedVUs: 200, // enough for ~100 ms of the 2000 req/s peak, as the engine sizes its pool
        maxVUs: 200,
        stages: [
          { duration: "30s", target: 100 },
          { duration: "60s", target: 2000 },
          { duration: "10s", target: 0 },
        ],
      },
    });
  });

  it("sends the request mix by weight, with headers, body and timeout, and counts failures", () => {
    const options: LoadOptions = {
      target: "http://127.0.0.1:3000/api/",
      duration: "5s",
      headers: { authorization: "Bearer x" },
      timeoutMs: 2500,
      requests: [
        { url: "items", weight: 3 },
        { method: "post", url: "/orders", body: '{"n":1,"note":"</script>\\"`${x}`"}', headers: { "content-type": "application/json" }, weight: 1 },
      ],
    };
    const mod = loadScript(exportToK6Script(options), 503);
    for (let i = 0; i < 4000; i++) mod.main();
    const gets = mod.sent.filter((s) => s.method === "GET");
    const posts = mod.sent.filter((s) => s.method === "POST");
    expect(gets[0]!.url).toBe("http://127.0.0.1:3000/api/items");
    expect(posts[0]!.url).toBe("http://127.0.0.1:3000/orders");
    expect(posts[0]!.body).toBe(options.requests![1]!.body);
    expect(posts[0]!.params.headers).toEqual({ authorization: "Bearer x", "content-type": "application/json" });
    expect(gets[0]!.params.timeout).toBe("2500ms");
    // 3:1 weights: about 75% GETs (binomial sd ≈ 0.7% at n = 4000).
    expect(gets.length / mod.sent.length).toBeGreaterThan(0.71);
    expect(gets.length / mod.sent.length).toBeLessThan(0.79);
    expect(mod.failures()).toBe(4000);
  });

  it("sends a mix in sequence when mixOrder is sequence", () => {
    const script = exportToK6Script({ target: "http://127.0.0.1:3000/", duration: "5s", mixOrder: "sequence", requests: [{ url: "/a", weight: 9 }, { url: "/b" }, { url: "/c" }] });
    expect(script).toContain('import exec from "k6/execution";');
    const mod = loadScript(script);
    for (let i = 0; i < 7; i++) mod.main();
    expect(mod.sent.map((s) => new URL(s.url).pathname)).toEqual(["/a", "/b", "/c", "/a", "/b", "/c", "/a"]);
  });

  it("refuses an unbounded closed run and a bad threshold", () => {
    expect(() => exportToK6Script({ target: "http://127.0.0.1:3000/" })).toThrow(PerfError);
    expect(() => exportToK6Script({ target: "http://127.0.0.1:3000/", duration: 5, thresholds: ["p97<1"] })).toThrow(/p97<1/);
  });
});
