/** Builds RumEvents for the store and query tests; every value comes from the test itself. */
import { rateRumValue, type RumEvent, type RumMetric, type RumStore } from "../../model.js";

/** Wednesday 2025-03-10 12:30 UTC: every relative range in the RUM tests ends here. */
export const RUM_TEST_NOW = Date.UTC(2025, 2, 10, 12, 30);

let nextPage = 0;

export type EventSpec = Partial<RumEvent> & { ts: number; metric: RumMetric; value: number };

export function makeRumEvent(spec: EventSpec): RumEvent {
  const route = spec.route ?? "/";
  return {
    pageId: spec.pageId ?? `page-${++nextPage}`,
    rating: rateRumValue(spec.metric, spec.value),
    route,
    url: `https://shop.example${route.replace(/:id/g, "42")}`,
    device: "desktop",
    connection: "4g",
    navigationType: "navigate",
    ...spec,
  };
}

/** Inserts in batches of 400, as the collector does. */
export async function insertInBatches(store: RumStore, events: readonly RumEvent[], batch = 400): Promise<void> {
  for (let i = 0; i < events.length; i += batch) await store.insertEvents(events.slice(i, i + batch));
}
