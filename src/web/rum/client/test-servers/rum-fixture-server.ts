/**
 * The web server of the RUM end-to-end test: serves the fixture pages, the built snippet
 * files, web-vitals' ESM build (for the import map) and a hero image that arrives late, and
 * records every beacon POSTed to /rum with its headers, exactly as the browser sent it.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { crc32, deflateSync } from "node:zlib";

export interface CapturedBeacon {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface RumFixtureServer {
  baseUrl: string;
  beacons: CapturedBeacon[];
  /** Paths of every GET, in order: shows what a page really loaded. */
  requests: string[];
  close(): Promise<void>;
}

export interface RumFixtureOptions {
  esmFile: string;
  iifeFile: string;
  /** How long the server holds the hero image before answering, ms. */
  heroDelayMs: number;
  /** Pass beacons on to this collector URL (as a reverse proxy would) and answer with its status. */
  forwardBeaconsTo?: string;
}

const repo = resolve(import.meta.dirname, "../../../../..");
const pagesDir = join(repo, "src/web/rum/test-pages");
const webVitalsEsm = join(repo, "node_modules/web-vitals/dist/web-vitals.attribution.js");

/**
 * A PNG of random pixels: Chromium leaves low-entropy (e.g. single-colour) images out of LCP,
 * so the hero must carry real detail to be the LCP element.
 */
export function createNoisePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.from([0]), randomBytes(width * 3));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

export async function startRumFixtureServer(options: RumFixtureOptions): Promise<RumFixtureServer> {
  const hero = createNoisePng(400, 300);
  const beacons: CapturedBeacon[] = [];
  const requests: string[] = [];
  const files: Record<string, [string, string]> = {
    "/perfscope-rum.mjs": [options.esmFile, "text/javascript"],
    "/perfscope-rum.iife.js": [options.iifeFile, "text/javascript"],
    "/node_modules/web-vitals/dist/web-vitals.attribution.js": [webVitalsEsm, "text/javascript"],
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://fixture").pathname;
    if (req.method === "POST" && path === "/rum") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        beacons.push({ path, headers: req.headers, body: body.toString("utf8"), receivedAt: Date.now() });
        if (!options.forwardBeaconsTo) return void res.writeHead(204).end();
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "user-agent", "sec-ch-ua-mobile", "origin"]) {
          const value = req.headers[name];
          if (typeof value === "string") headers[name] = value;
        }
        fetch(options.forwardBeaconsTo, { method: "POST", headers, body }).then(
          (answer) => res.writeHead(answer.status).end(),
          () => res.writeHead(502).end(),
        );
      });
      return;
    }
    requests.push(path);
    const send = (type: string, body: Buffer | string): void => {
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
    };
    if (path === "/hero.png") {
      setTimeout(() => send("image/png", hero), options.heroDelayMs);
    } else if (/^\/[a-z-]+\.html$/.test(path)) {
      try {
        send("text/html; charset=utf-8", readFileSync(join(pagesDir, path)));
      } catch {
        res.writeHead(404).end();
      }
    } else if (files[path]) {
      const [file, type] = files[path];
      send(type, readFileSync(file));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    beacons,
    requests,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
