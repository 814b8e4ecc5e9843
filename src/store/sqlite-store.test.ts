import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PerfError } from "../core/errors.js";
import { openHistoryStore } from "./history-store.js";
import { describeHistoryStoreBehaviour } from "./test-helpers/store-behaviour.js";
import { rawSqlite } from "../test-helpers/raw-sql.js";

let root = "";
let counter = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "perfscope-store-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeHistoryStoreBehaviour({
  dialect: "sqlite",
  // A folder that does not exist yet: opening must create it.
  newLocation: () => join(root, `case-${++counter}`, "history.sqlite"),
  open: (file) => openHistoryStore(file),
  raw: async (file, sql, params) => rawSqlite(file, sql, params),
  whereOf: (file) => ({ file }),
});

async function openError(location: string): Promise<PerfError> {
  const error = await openHistoryStore(location).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}

function runWriter(file: string, count: number, tag: string): Promise<{ code: number | null; stderr: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "test-helpers", "concurrent-writer.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, file, String(count), tag], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("history store on sqlite: files", () => {
  it("defaults to <cwd>/.perfscope/history.sqlite and resolves relative paths against cwd", async () => {
    const cwd = join(root, "project");
    mkdirSync(cwd);
    const store = await openHistoryStore(undefined, { cwd });
    expect(store.location).toBe(join(cwd, ".perfscope", "history.sqlite"));
    await store.close();
    expect(existsSync(join(cwd, ".perfscope", "history.sqlite"))).toBe(true);
    const relative = await openHistoryStore("perf/runs.db", { cwd });
    expect(relative.location).toBe(join(cwd, "perf", "runs.db"));
    await relative.close();
    expect(rawSqlite(join(cwd, "perf", "runs.db"), "PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
  });

  it("refuses a file that is not a SQLite database, naming it, and leaves it alone", async () => {
    const file = join(root, "notes.sqlite");
    const content = "these are my notes, not a database\n".repeat(200);
    writeFileSync(file, content);
    const error = await openError(file);
    expect(error.code).toBe("MALFORMED_INPUT");
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/not a SQLite database/);
    expect(error.where).toEqual({ file });
    expect(error.hint).toMatch(/history file/);
    expect(readFileSync(file, "utf8")).toBe(content);
  });

  it("refuses a folder given as the history file", async () => {
    const folder = join(root, "a-folder");
    mkdirSync(folder);
    const error = await openError(folder);
    expect(error.code).toBe("USAGE");
    expect(error.where).toEqual({ file: folder });
  });

  it("two processes saving into one new file at once lose nothing and leave it intact", async () => {
    const file = join(root, "shared", "history.sqlite");
    const [a, b] = await Promise.all([runWriter(file, 25, "a"), runWriter(file, 25, "b")]);
    expect(a).toEqual({ code: 0, stderr: "" });
    expect(b).toEqual({ code: 0, stderr: "" });
    const store = await openHistoryStore(file);
    try {
      const runs = await store.listRuns();
      expect(runs).toHaveLength(50);
      expect(runs.every((r) => r.benchmarks === 2 && r.errored === 1)).toBe(true);
      const labels = runs.map((r) => r.label).sort();
      expect(new Set(labels).size).toBe(50);
    } finally {
      await store.close();
    }
    expect(rawSqlite(file, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(rawSqlite(file, "SELECT version FROM schema_version ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }]);
  });
});
