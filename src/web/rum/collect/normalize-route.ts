/**
 * Folds a page URL into a route, so that "/product/123?ref=x" and "/product/456" land in
 * one bucket ("/product/:id") and queries can take a p75 per route. Query strings and
 * fragments never survive (they carry tokens and personal data); path segments that look
 * like identifiers, dates or e-mail addresses become placeholders. Custom rules win.
 */

/**
 * A custom rule: a URL whose path matches `match` is stored under the route `pattern`.
 * `match` is a RegExp (tested against the percent-encoded path) or a path template where
 * `:name` stands for one segment and a final `*` for any rest; without `match`, `pattern`
 * itself is the template ("/product/:slug").
 */
export interface RouteRule {
  pattern: string;
  match?: RegExp | string;
}

export interface NormalizedRoute {
  /** The folded path: "/product/:id". */
  route: string;
  /** Origin + path, without query or fragment. */
  url: string;
}

/** Longer routes are cut at a segment boundary and end in "/…": they would only ever be one-offs. */
export const MAX_ROUTE_LENGTH = 256;

const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::|%3A)\d{2}(?:(?::|%3A)\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::|%3A)?\d{2})?)?$/i;
const EMAIL = /^[^@/]+(?:@|%40)[^@/.]+(?:\.[^@/.]+)+$/i;
const HEX = /^[0-9a-f]{8,}$/i;
/** Short prefix + number: "p12345", "SKU-12345", "order_987654". */
const PREFIXED_NUMBER = /^[A-Za-z]{1,8}[-_]?\d{4,}$/;
const TOKEN_CHARS = /^[A-Za-z0-9_-]+$/;
/** A slug is hyphen/underscore-separated parts that are each a lower-case word or a number. */
const SLUG = /^(?:[a-z]+|\d+)(?:[-_](?:[a-z]+|\d+))*$/;

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Base64-ish or random-looking tokens: long enough, mixed letters and digits, not a readable slug. */
function looksLikeToken(segment: string): boolean {
  if (segment.length < 10 || !TOKEN_CHARS.test(segment) || SLUG.test(segment)) return false;
  const digits = countDigits(segment);
  if (digits === 0 || digits === segment.length) return false;
  if (segment.length >= 16) return true;
  const mixedCase = segment !== segment.toLowerCase() && segment !== segment.toUpperCase();
  return mixedCase && digits >= 2;
}

/** The placeholder a path segment folds into, or the segment itself. */
export function foldPathSegment(segment: string): string {
  if (DIGITS.test(segment) || UUID.test(segment)) return ":id";
  if (DATE.test(segment)) return ":date";
  if (EMAIL.test(segment)) return ":email";
  if ((HEX.test(segment) && countDigits(segment) > 0) || PREFIXED_NUMBER.test(segment) || looksLikeToken(segment)) return ":id";
  return segment;
}

interface CompiledRule {
  route: string;
  test: RegExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function compileTemplate(template: string): RegExp {
  const segments = template.split("/").filter((s) => s.length > 0);
  let source = "^";
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (seg === "*" && i === segments.length - 1) source += "(?:/.*)?";
    else if (seg.startsWith(":")) source += "/[^/]+";
    else source += "/" + escapeRegExp(seg);
  }
  return new RegExp(segments.length === 0 ? "^/?$" : source + "/?$");
}

const compiledRules = new WeakMap<readonly RouteRule[], CompiledRule[]>();

function compileRules(rules: readonly RouteRule[]): CompiledRule[] {
  let compiled = compiledRules.get(rules);
  if (compiled === undefined) {
    compiled = rules.map((rule) => {
      const match = rule.match ?? rule.pattern;
      // A global or sticky RegExp keeps lastIndex between calls; a fresh copy without them does not.
      const test = typeof match === "string" ? compileTemplate(match) : new RegExp(match.source, match.flags.replace(/[gy]/g, ""));
      return { route: rule.pattern, test };
    });
    compiledRules.set(rules, compiled);
  }
  return compiled;
}

function capRoute(route: string): string {
  if (route.length <= MAX_ROUTE_LENGTH) return route;
  const cut = route.lastIndexOf("/", MAX_ROUTE_LENGTH - 2);
  return route.slice(0, cut > 0 ? cut : MAX_ROUTE_LENGTH - 2) + "/…";
}

/** Folds a path (percent-encoded, as URL.pathname gives it) into a route. */
export function normalizePath(pathname: string, rules?: readonly RouteRule[]): string {
  if (rules !== undefined && rules.length > 0) {
    for (const rule of compileRules(rules)) {
      if (rule.test.test(pathname)) return capRoute(rule.route);
    }
  }
  let route = "";
  let start = 1;
  // Walk the segments without split(): empty segments ("//") and a trailing slash drop out.
  while (start <= pathname.length) {
    let end = pathname.indexOf("/", start);
    if (end === -1) end = pathname.length;
    if (end > start) route += "/" + foldPathSegment(pathname.slice(start, end));
    start = end + 1;
  }
  return capRoute(route === "" ? "/" : route);
}

/**
 * Folds a page URL into its route and the URL to store (origin + path). Returns null when
 * the text is not an absolute http(s) URL.
 */
export function normalizeRoute(url: string | URL, rules?: readonly RouteRule[]): NormalizedRoute | null {
  let parsed: URL;
  if (typeof url === "string") {
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
  } else parsed = url;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  const pathname = parsed.pathname;
  return { route: normalizePath(pathname, rules), url: parsed.origin + pathname };
}
