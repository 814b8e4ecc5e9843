import { describe, expect, it } from "vitest";
import { foldPathSegment, MAX_ROUTE_LENGTH, normalizeRoute, type RouteRule } from "./normalize-route.js";

function routeOf(url: string, rules?: RouteRule[]): string | undefined {
  return normalizeRoute(url, rules)?.route;
}

describe("normalizeRoute", () => {
  it.each([
    ["https://shop.example.com/", "/"],
    ["https://shop.example.com", "/"],
    ["https://shop.example.com/product/12345?ref=mail#reviews", "/product/:id"],
    ["https://shop.example.com/product/12345/", "/product/:id"],
    ["https://shop.example.com/users/42/orders/9001", "/users/:id/orders/:id"],
    ["https://app.example.io/projects/3f2504e0-4f89-41d3-9a0c-0305e82c3301/settings", "/projects/:id/settings"],
    ["https://app.example.io/projects/3F2504E0-4F89-41D3-9A0C-0305E82C3301", "/projects/:id"],
    ["https://github.example.com/acme/app/commit/9fceb02d0ae598e95dc970b74767f19372d61af8", "/acme/app/commit/:id"],
    ["https://github.example.com/acme/app/commit/9fceb02", "/acme/app/commit/9fceb02"],
    ["https://cdn.example.com/build/a1b2c3d4e5f6/app", "/build/:id/app"],
    ["https://news.example.com/2024-03-10/budget-vote", "/:date/budget-vote"],
    ["https://news.example.com/archive/2024-03-10T12:30:00Z", "/archive/:date"],
    ["https://news.example.com/2024/03/10/budget-vote", "/:id/:id/:id/budget-vote"],
    ["https://mail.example.com/u/jane.doe@example.org/inbox", "/u/:email/inbox"],
    ["https://mail.example.com/u/jane.doe%40example.org/inbox", "/u/:email/inbox"],
    ["https://share.example.com/s/dQw4w9WgXcQ", "/s/:id"],
    ["https://share.example.com/reset/eyJhbGciOiJIUzI1NiJ9x7Yq", "/reset/:id"],
    ["https://shop.example.com/p/SKU-884213", "/p/:id"],
    ["https://shop.example.com/orders/ord_20240311", "/orders/:id"],
    ["https://blog.example.com/posts/how-to-install-node-20", "/posts/how-to-install-node-20"],
    ["https://blog.example.com/posts/top-10-tips-for-2024", "/posts/top-10-tips-for-2024"],
    ["https://docs.example.com/v2/api/Reference", "/v2/api/Reference"],
    ["https://docs.example.com/guide/getting-started#install", "/guide/getting-started"],
    ["https://shop.example.com//double//slash/", "/double/slash"],
    ["http://localhost:3000/dashboard?tab=2", "/dashboard"],
    ["https://shop.example.com/caf%C3%A9/menu", "/caf%C3%A9/menu"],
    ["https://shop.example.com/search?q=shoes&page=3", "/search"],
  ])("%s → %s", (url, route) => {
    expect(routeOf(url)).toBe(route);
  });

  it("keeps origin + path as the stored URL: no query, no fragment, case of the path kept", () => {
    expect(normalizeRoute("https://Shop.Example.com:443/Product/ABC-def?token=secret#x")).toEqual({ route: "/Product/ABC-def", url: "https://shop.example.com/Product/ABC-def" });
    expect(normalizeRoute("http://127.0.0.1:8080/a/1?x")?.url).toBe("http://127.0.0.1:8080/a/1");
  });

  it("returns null for what is not an absolute http(s) URL", () => {
    for (const bad of ["/relative/path", "javascript:alert(1)", "ftp://example.com/file", "https://", "not a url", "data:text/html,x"]) {
      expect(normalizeRoute(bad)).toBeNull();
    }
  });

  it("tries custom rules first: templates with :params and a trailing *, and regular expressions", () => {
    const rules: RouteRule[] = [
      { pattern: "/product/:slug", match: "/product/:slug" },
      { pattern: "/docs/*", match: "/docs/*" },
      { pattern: "/t/:team/board", match: /^\/t\/[^/]+\/board\/?$/g },
      { pattern: "/u/:name" },
    ];
    expect(routeOf("https://shop.example.com/product/blue-linen-shirt?c=1", rules)).toBe("/product/:slug");
    expect(routeOf("https://shop.example.com/product/blue-linen-shirt/reviews", rules)).toBe("/product/blue-linen-shirt/reviews");
    expect(routeOf("https://shop.example.com/docs", rules)).toBe("/docs/*");
    expect(routeOf("https://shop.example.com/docs/api/v2/errors", rules)).toBe("/docs/*");
    // A global RegExp must not remember lastIndex between beacons.
    expect(routeOf("https://x.example/t/core/board", rules)).toBe("/t/:team/board");
    expect(routeOf("https://x.example/t/web/board", rules)).toBe("/t/:team/board");
    expect(routeOf("https://x.example/u/ada", rules)).toBe("/u/:name");
    // No rule matches: the built-in folding still applies.
    expect(routeOf("https://x.example/orders/77", rules)).toBe("/orders/:id");
  });

  it("caps very long routes at a segment boundary", () => {
    const path = Array.from({ length: 60 }, (_, i) => `section-${String.fromCharCode(97 + (i % 26))}`).join("/");
    const route = routeOf(`https://x.example/${path}`)!;
    expect(route.length).toBeLessThanOrEqual(MAX_ROUTE_LENGTH);
    expect(route.endsWith("/…")).toBe(true);
    expect(route.startsWith("/section-a/section-b/")).toBe(true);
  });
});

describe("foldPathSegment", () => {
  it("leaves words, slugs and short codes alone", () => {
    for (const keep of ["checkout", "en-US", "v2", "iphone-15-pro", "deadbeef", "README", "2fa", "page-2", "index.html"]) {
      expect(foldPathSegment(keep)).toBe(keep);
    }
  });
});
