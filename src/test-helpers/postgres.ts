/**
 * A real, throwaway PostgreSQL server for tests: initdb into a fresh temp folder, start
 * `postgres` on a random loopback port, hand back its URL; stop() shuts it down and
 * deletes the folder. No mock: the store and db tests talk to the real server.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PerfError } from "../core/errors.js";

export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  url: string;
  stop(): Promise<void>;
}

const INSTALL_HINT = "run `bash scripts/install-test-deps.sh` (installs the Debian postgresql package); CI runs it before the tests";

/** Finds the folder holding initdb and postgres: pg_config first, then Debian's layout, then PATH. */
export function findPostgresBinDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    // pg_config comes with libpq-dev, which is often absent; the other places still count.
  }
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(debianRoot, v, "bin"));
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  const found = candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres")));
  if (!found) throw new PerfError("TOOL_MISSING", "PostgreSQL server binaries (initdb, postgres) were not found in pg_config --bindir, /usr/lib/postgresql/*/bin or PATH", { hint: INSTALL_HINT });
  return found;
}

/** PostgreSQL refuses to run as root, so as root we run it as the `postgres` system user. */
function findRunAsUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  const fields = line?.split(":");
  if (!fields || fields.length < 4) throw new PerfError("TOOL_MISSING", "running as root but there is no `postgres` system user to run the test server as", { where: { file: "/etc/passwd" }, hint: INSTALL_HINT });
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAccepting(url: string, proc: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new PerfError("TARGET_EXITED", `test postgres exited (${proc.exitCode ?? proc.signalCode}) before accepting connections:\n${log()}`, { where: { url, ...(proc.pid ? { pid: proc.pid } : {}) } });
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  proc.kill("SIGKILL");
  throw new PerfError("TIMEOUT", `test postgres did not accept connections within ${timeoutMs} ms:\n${log()}`, { where: { url }, cause: lastError });
}

function waitForExit(proc: ChildProcess, timeoutMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts a fresh PostgreSQL cluster; throws TOOL_MISSING (never skips) when it is not installed. */
export async function startPostgres(): Promise<TestPostgres> {
  const binDir = findPostgresBinDir();
  const user = findRunAsUser();
  const root = mkdtempSync(join(tmpdir(), "perfscope-pg-"));
  const dataDir = join(root, "data");
  // initdb (run as postgres) creates the data folder and the socket inside our temp folder.
  if (user) chownSync(root, user.uid, user.gid);
  const spawnIds = user ? { uid: user.uid, gid: user.gid } : {};
  // cwd is the temp folder because the postgres user may not be allowed into ours (/root).
  const env = { ...process.env, LC_ALL: "C", LANG: "C" };
  try {
    execFileSync(join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], ...spawnIds });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new PerfError("TOOL_MISSING", `initdb failed: ${stderr.trim()}`, { where: { file: join(binDir, "initdb") }, hint: INSTALL_HINT, cause: error });
  }

  // The free port can be taken between probing and binding; try a few before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    let log = "";
    const proc = spawn(join(binDir, "postgres"), ["-D", dataDir, "-p", String(port), "-k", root, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50"], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"], ...spawnIds });
    proc.stderr?.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    // A crashed test run must not leave a server behind.
    const killOnExit = (): void => void proc.kill("SIGKILL");
    process.once("exit", killOnExit);
    try {
      await waitUntilAccepting(url, proc, () => log, 30_000);
    } catch (error) {
      lastError = error;
      process.removeListener("exit", killOnExit);
      await waitForExit(proc, 5000);
      if (/could not bind|Address already in use/i.test(log)) continue;
      break;
    }
    let stopped = false;
    return {
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", killOnExit);
        proc.kill("SIGINT"); // "fast shutdown": ends sessions, no waiting for clients.
        await waitForExit(proc, 10_000);
        rmSync(root, { recursive: true, force: true });
      },
    };
  }
  rmSync(root, { recursive: true, force: true });
  throw lastError;
}
