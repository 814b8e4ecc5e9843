/**
 * A shop's field data with a known answer, for tests and benches: `views` page views spread
 * back from a minute ago, a third each on /checkout, /product/:id and /. Checkout paints
 * slowly (LCP 4.2–4.8 s, element img.checkout-banner), the others fast (1.2–1.7 s, h1);
 * INP 80–139 ms and CLS 0–0.045 everywhere.
 */
import { rateRumValue, type RumEvent } from "../model.js";

export const SHOP_ROUTES = ["/checkout", "/product/:id", "/"] as const;

export function makeShopPageViews(views: number, spacingMs: number, now = Date.now() - 60_000): RumEvent[] {
  const events: RumEvent[] = [];
  for (let i = 0; i < views; i++) {
    const route = SHOP_ROUTES[i % SHOP_ROUTES.length]!;
    const base = { ts: now - i * spacingMs, pageId: `pv-${i}`, route, url: `https://shop.example${route}`, device: i % 2 ? "mobile" : "desktop", connection: "4g", navigationType: "navigate" } as const;
    const lcp = route === "/checkout" ? 4200 + (i % 50) * 12 : 1200 + (i % 50) * 10;
    const inp = 80 + (i % 60);
    const cls = (i % 10) / 200;
    events.push({ ...base, metric: "LCP", value: lcp, rating: rateRumValue("LCP", lcp), target: route === "/checkout" ? "img.checkout-banner" : "h1" });
    events.push({ ...base, metric: "INP", value: inp, rating: rateRumValue("INP", inp), target: "button.add" });
    events.push({ ...base, metric: "CLS", value: cls, rating: rateRumValue("CLS", cls) });
  }
  return events;
}
