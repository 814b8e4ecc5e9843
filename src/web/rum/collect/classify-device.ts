/**
 * Decides the device class of a beacon from what the request headers say (client hints
 * first, then the User-Agent), falling back to the snippet's own guess only when the
 * headers say nothing. The headers win because the snippet's guess leans on screen width,
 * which a resized desktop window fakes easily.
 */
import type { DeviceClass } from "../model.js";

/** The headers this needs: node:http's IncomingHttpHeaders fits. */
export type DeviceHeaders = Readonly<Record<string, string | string[] | undefined>>;

const TABLET = /iPad|Tablet|PlayBook|Silk\/|Kindle|Nexus (?:7|9|10)\b|SM-T\d|Lenovo TB|\bTab\b/i;
const MOBILE = /iPhone|iPod|Mobile|Mobi\b|Windows Phone|IEMobile|Opera Mini|BlackBerry|BB10/i;
const ANDROID = /Android/i;

function headerValue(headers: DeviceHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The class the User-Agent string implies. */
export function classifyUserAgent(userAgent: string): DeviceClass {
  if (TABLET.test(userAgent)) return "tablet";
  if (ANDROID.test(userAgent)) return MOBILE.test(userAgent) ? "mobile" : "tablet";
  if (MOBILE.test(userAgent)) return "mobile";
  return "desktop";
}

/**
 * `Sec-CH-UA-Mobile: ?1` means mobile; otherwise the User-Agent decides (tablets send
 * `?0`, so `?0` alone cannot tell a tablet from a desktop). Without either header the
 * client's guess is used, or "unknown".
 */
export function classifyDevice(headers: DeviceHeaders, clientGuess?: DeviceClass): DeviceClass {
  const hint = headerValue(headers, "sec-ch-ua-mobile")?.trim();
  if (hint === "?1") return "mobile";
  const userAgent = headerValue(headers, "user-agent")?.trim();
  if (userAgent !== undefined && userAgent.length > 0) return classifyUserAgent(userAgent);
  // "?0" rules out a phone but not a tablet; the client may know which.
  if (hint === "?0") return clientGuess === "tablet" ? "tablet" : "desktop";
  return clientGuess ?? "unknown";
}
