/**
 * Turns one validated beacon into the events to store: one per metric, with the route and
 * device already decided, and the rating recomputed from the value (a client's rating is
 * never trusted: it could be stale, wrong or forged).
 */
import { rateRumValue, type DeviceClass, type RumAttribution, type RumBeaconPayload, type RumEvent } from "../model.js";
import type { NormalizedRoute } from "./normalize-route.js";

/** Cuts "?query" and "#fragment" off a URL kept in attribution (the LCP image): they never get stored. */
function stripQuery(url: string): string {
  const q = url.indexOf("?");
  const h = url.indexOf("#");
  const cut = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  return cut === -1 ? url : url.slice(0, cut);
}

/** The attribution to store: `target` moves to its own field, URLs lose their queries. */
function storedAttribution(attribution: RumAttribution | undefined): RumAttribution | undefined {
  if (attribution === undefined) return undefined;
  let kept: RumAttribution | undefined;
  for (const key in attribution) {
    if (key === "target") continue;
    const value = attribution[key] as string | number;
    (kept ??= {})[key] = key === "url" && typeof value === "string" ? stripQuery(value) : value;
  }
  return kept;
}

export function buildRumEvents(payload: RumBeaconPayload, where: NormalizedRoute, device: DeviceClass, ts: number): RumEvent[] {
  const navigationType = payload.navigationType ?? "navigate";
  const connection = payload.connection ?? "unknown";
  const events: RumEvent[] = new Array<RumEvent>(payload.metrics.length);
  for (let i = 0; i < payload.metrics.length; i++) {
    const m = payload.metrics[i]!;
    const target = m.attribution?.target;
    const event: RumEvent = {
      ts,
      pageId: payload.pageId,
      metric: m.name,
      value: m.value,
      rating: rateRumValue(m.name, m.value),
      route: where.route,
      url: where.url,
      device,
      connection,
      navigationType,
    };
    if (typeof target === "string" && target.length > 0) event.target = target;
    const attribution = storedAttribution(m.attribution);
    if (attribution !== undefined) event.attribution = attribution;
    events[i] = event;
  }
  return events;
}
