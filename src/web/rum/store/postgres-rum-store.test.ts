import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlRow, SqlValue } from "../../../store/sql-driver.js";
import { startPostgres, type TestPostgres } from "../../../test-helpers/postgres.js";
import { describeRumQueryBehaviour } from "../query/test-helpers/rum-query-behaviour.js";
import { DEFAULT_RUM_POSTGRES_SCHEMA, openPostgresRumStore } from "./postgres-rum-store.js";
import { makeRumEvent, RUM_TEST_NOW } from "./test-helpers/rum-events.js";
import { describeRumDedupBehaviour } from "./test-helpers/rum-dedup-behaviour.js";
import { describeRumStoreBehaviour } from "./test-helpers/rum-store-behaviour.js";
import { rawPostgres as rawPostgresAt } from "../../../test-helpers/raw-sql.js";

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
const newSchema = (): string => `rum_case_${++counter}`;

describeRumQueryBehaviour({ name: "postgres", open: () => openPostgresRumStore(url(), { schema: newSchema() }) });
describeRumDedupBehaviour({ name: "postgres", open: () => openPostgresRumStore(url(), { schema: newSchema() }) });
describeRumStoreBehaviour({ name: "postgres", newLocation: newSchema, open: (schema) => openPostgresRumStore(url(), { schema }), raw: rawPostgres });

describe("RUM store on postgres: connection", () => {
  it(`keeps its tables in the ${DEFAULT_RUM_POSTGRES_SCHEMA} schema by default, apart from the history store's`, async () => {
    const store = await openPostgresRumStore(url());
    await store.insertEvents([makeRumEvent({ metric: "LCP", value: 1234.5, ts: RUM_TEST_NOW })]);
    await store.close();
    const tables = await rawPostgres("public", "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", [DEFAULT_RUM_POSTGRES_SCHEMA]);
    expect(tables.map((t) => t.table_name)).toEqual(["rum_beacons", "rum_events", "rum_page_beacons", "rum_rollup_state", "rum_rollups", "rum_schema"]);
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openPostgresRumStore(url(), { schema: 'x"; DROP TABLE rum_events; --' })).rejects.toMatchObject({ code: "USAGE" });
  });

  it("says which server it could not reach, without the password", async () => {
    const error = await openPostgresRumStore("postgresql://perf:s3cret@127.0.0.1:1/rum").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TARGET_NOT_FOUND", where: { url: "postgresql://perf:***@127.0.0.1:1/rum" } });
    expect(JSON.stringify(error)).not.toContain("s3cret");
  });
});
