import { describe, expect, it } from "vitest";
import { classifyDevice } from "./classify-device.js";

const UA = {
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
  iphoneChrome: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1",
  androidChromeReduced: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
  pixelChrome: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36",
  samsungBrowser: "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
  firefoxAndroidPhone: "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
  ipad: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  galaxyTab: "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.119 Safari/537.36",
  firefoxAndroidTablet: "Mozilla/5.0 (Android 13; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
  kindleFire: "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.2 like Chrome/120.0.6099.230 Safari/537.36",
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  windowsEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
  operaMini: "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
};

describe("classifyDevice", () => {
  it.each([
    ["iphoneSafari", "mobile"],
    ["iphoneChrome", "mobile"],
    ["androidChromeReduced", "mobile"],
    ["pixelChrome", "mobile"],
    ["samsungBrowser", "mobile"],
    ["firefoxAndroidPhone", "mobile"],
    ["operaMini", "mobile"],
    ["ipad", "tablet"],
    ["galaxyTab", "tablet"],
    ["firefoxAndroidTablet", "tablet"],
    ["kindleFire", "tablet"],
    ["windowsChrome", "desktop"],
    ["macSafari", "desktop"],
    ["linuxFirefox", "desktop"],
    ["windowsEdge", "desktop"],
  ] as const)("%s → %s", (name, expected) => {
    expect(classifyDevice({ "user-agent": UA[name] })).toBe(expected);
  });

  it("trusts Sec-CH-UA-Mobile: ?1 over a desktop-looking UA (Chrome's reduced UA, request-desktop-site)", () => {
    expect(classifyDevice({ "sec-ch-ua-mobile": "?1", "user-agent": UA.windowsChrome })).toBe("mobile");
    expect(classifyDevice({ "sec-ch-ua-mobile": "?1" })).toBe("mobile");
  });

  it("lets the UA tell a tablet from a desktop when the hint says ?0", () => {
    expect(classifyDevice({ "sec-ch-ua-mobile": "?0", "user-agent": UA.galaxyTab })).toBe("tablet");
    expect(classifyDevice({ "sec-ch-ua-mobile": "?0", "user-agent": UA.windowsChrome })).toBe("desktop");
  });

  it("uses the client's guess only when the headers say nothing", () => {
    expect(classifyDevice({}, "tablet")).toBe("tablet");
    expect(classifyDevice({ "user-agent": "" }, "mobile")).toBe("mobile");
    expect(classifyDevice({ "user-agent": UA.macSafari }, "mobile")).toBe("desktop");
    expect(classifyDevice({ "user-agent": UA.iphoneSafari }, "desktop")).toBe("mobile");
    expect(classifyDevice({ "sec-ch-ua-mobile": "?0" }, "mobile")).toBe("desktop");
  });

  it("says unknown with no UA, no hint and no guess", () => {
    expect(classifyDevice({})).toBe("unknown");
    expect(classifyDevice({ "user-agent": "   " })).toBe("unknown");
  });
});
