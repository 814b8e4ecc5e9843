import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PerfError } from "../core/errors.js";
import { startPostgres, type TestPostgres } from "../test-helpers/postgres.js";
import { openHistoryStore } from "./history-store.js";
import type { SqlRow, SqlValue } from "./sql-driver.js";
import { makeRun } from "./test-helpers/bench-runs.js";
import { describeHistoryStoreBehaviour } from "./test-helpers/store-behaviour.js";
import { rawPostgres as rawPostgresAt } from "../test-helpers/raw-sql.js";

let server: TestPostgres | undefined;
let counter = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

function url(): string {
  if (!server) throw new Error("the test PostgreSQL did not start");
  return server.url;
}

function rawPostgres(schema: string, sql: string, params: SqlValue[] = []): Promise<SqlRow[]> {
  return rawPostgresAt(url(), schema, sql, params);
}

// Each case gets its own schema in the one server: a fresh, empty store.
describeHistoryStoreBehaviour({
  dialect: "postgres",
  newLocation: () => `case_${++counter}`,
  open: (schema) => openHistoryStore(url(), { schema }),
  raw: rawPostgres,
  whereOf: () => ({ url: url() }),
});

async function openError(location: string, schema?: string): Promise<PerfError> {
  const error = await openHistoryStore(location, schema === undefined ? {} : { schema }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}

describe("history store on postgres: connection", () => {
  it("keeps its tables in the `perfscope` schema by default, for postgres:// and postgresql:// URLs", async () => {
    const store = await openHistoryStore(url().replace(/^postgresql:/, "postgres:"));
    try {
      await store.saveRun(makeRun({ startedAt: "2024-01-01T00:00:00Z" }));
    } finally {
      await store.close();
    }
    const tables = await rawPostgres("public", "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", ["perfscope"]);
    expect(tables.map((t) => t.table_name)).toEqual(["machines", "results", "runs", "schema_version"]);
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    const error = await openError(url(), 'x"; DROP TABLE runs; --');
    expect(error.code).toBe("USAGE");
  });

  it("says which server it could not reach, without the password", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const error = await openError(`postgresql://perf:s3cret@127.0.0.1:${port}/history`);
    expect(error.code).toBe("TARGET_NOT_FOUND");
    expect(error.where?.url).toBe(`postgresql://perf:***@127.0.0.1:${port}/history`);
    expect(JSON.stringify(error.toJSON())).not.toContain("s3cret");
  });
});
