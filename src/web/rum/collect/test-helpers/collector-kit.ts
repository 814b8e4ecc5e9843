/**
 * Shared pieces of the collector tests: realistic beacons, a temp SQLite store, raw reads
 * of what was stored, HTTP calls on loopback and a collector in a child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { Agent, request, type Dispatcher } from "undici";
import type { RumBeaconPayload } from "../../model.js";
import { openSqliteRumStore } from "../../store/sqlite-rum-store.js";

let nextPage = 0;

/** A beacon the way the snippet sends it: four metrics with attribution. */
export function makeBeacon(overrides: Partial<RumBeaconPayload> = {}): RumBeaconPayload {
  const n = ++nextPage;
  return {
    v: 1,
    url: `https://shop.example.com/product/${1000 + n}?ref=mail&utm_source=x#reviews`,
    pageId: `v5-1732600000000-${String(n).padStart(13, "0")}`,
    navigationType: "navigate",
    device: "mobile",
    connection: "4g",
    deviceMemory: 8,
    metrics: [
      { name: "LCP", value: 2712.4, rating: "needs-improvement", id: `v5-lcp-${n}`, attribution: { target: "main>div.hero>img", url: "https://cdn.example.com/hero.avif?w=1200", ttfb: 310.2, loadDelay: 420.5, loadDuration: 1400.1, renderDelay: 581.6 } },
      { name: "INP", value: 168, rating: "good", id: `v5-inp-${n}`, attribution: { target: "button#add-to-cart", type: "pointer", inputDelay: 12.4, processing: 98.3, presentation: 57.3, loadState: "complete" } },
      { name: "CLS", value: 0.0831, rating: "good", id: `v5-cls-${n}`, attribution: { target: "div.promo-banner", shiftValue: 0.0712, shiftTime: 1830.2, loadState: "dom-content-loaded" } },
      { name: "TTFB", value: 310.2, rating: "good", id: `v5-ttfb-${n}`, attribution: { waiting: 2.1, cache: 0, dns: 18.3, connection: 41.7, request: 248.1 } },
    ],
    ...overrides,
  };
}

export interface TempStore {
  dir: string;
  file: string;
  store: Awaited<ReturnType<typeof openSqliteRumStore>>;
  cleanup(): Promise<void>;
}

export async function openTempStore(): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), "perfscope-rum-collect-"));
  const file = join(dir, "rum.sqlite");
  const store = await openSqliteRumStore(file);
  return {
    dir,
    file,
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface StoredRow {
  ts: number;
  page_id: string;
  metric: string;
  value: number;
  rating: string;
  route: string;
  url: string;
  device: string;
  connection: string;
  nav_type: string;
  target: string | null;
  attribution: string | null;
}

/** Every stored event, read straight from the file (a second, read-only connection). */
export function readStoredRows(file: string): StoredRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT * FROM rum_events ORDER BY rowid").all() as StoredRow[];
  } finally {
    db.close();
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One keep-alive pool for every test call: loopback only. */
export const testAgent = new Agent({ connections: 64, keepAliveTimeout: 2000 });

/** Any method token: hostile tests send WebDAV ones too, which undici's type does not list but sends. */
export async function send(url: string, options: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  const reply = await request(url, { method: (options.method ?? "GET") as Dispatcher.HttpMethod, body: options.body, headers: options.headers, dispatcher: testAgent });
  return { status: reply.statusCode, headers: reply.headers, text: await reply.body.text() };
}

/** POSTs a beacon the way sendBeacon does (text/plain;charset=UTF-8). */
export function postBeacon(url: string, beacon: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(url, { method: "POST", body: JSON.stringify(beacon), headers: { "content-type": "text/plain;charset=UTF-8", ...headers } });
}

const CHILD_PROGRAM = fileURLToPath(new URL("../test-programs/collector-child.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface ChildCollector {
  child: ChildProcess;
  url: string;
  pid: number;
  stderr(): string;
}

/** Starts test-programs/collector-child.ts and waits for its "listening" line. */
export function startChildCollector(args: string[]): Promise<ChildCollector> {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, CHILD_PROGRAM, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`collector child did not start in 20 s: ${err}`)), 20_000);
    child.once("exit", (code) => reject(new Error(`collector child exited (${code}) before listening: ${err}`)));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl === -1) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, nl)) as { url: string; pid: number };
      resolve({ child, url: info.url, pid: info.pid, stderr: () => err });
    });
  });
}

/** Resolves when the child has exited (at once if it already has). */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
