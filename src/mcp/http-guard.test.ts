import { describe, expect, it } from "vitest";
import { buildAllowedHosts, checkMcpRequest, isBearerTokenValid, isLoopbackHost, isOriginAllowed, resolveMcpToken } from "./http-guard.js";

describe("isLoopbackHost", () => {
  it("accepts only names that cannot leave the machine", () => {
    for (const h of ["127.0.0.1", "127.5.6.7", "localhost", "LOCALHOST", "app.localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "128.0.0.1", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "::2"]) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe("isBearerTokenValid", () => {
  const token = "abcdefghijklmnopqrstuvwxyz012345";
  it("accepts exactly 'Bearer <token>'", () => {
    expect(isBearerTokenValid(`Bearer ${token}`, token)).toBe(true);
    // The scheme is case-insensitive (RFC 9110); the token is not.
    expect(isBearerTokenValid(`bearer ${token}`, token)).toBe(true);
  });
  it("refuses anything else", () => {
    for (const h of [undefined, "", "Bearer", "Bearer ", token, `Bearer ${token.toUpperCase()}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, `Bearer ${token} extra`]) {
      expect(isBearerTokenValid(h, token), String(h)).toBe(false);
    }
  });
});

describe("resolveMcpToken", () => {
  it("prefers --token, then PERFSCOPE_MCP_TOKEN, else generates 32 random bytes", () => {
    const env = { PERFSCOPE_MCP_TOKEN: "from-the-environment-123" };
    expect(resolveMcpToken("from-the-flag-0123456", env)).toEqual({ token: "from-the-flag-0123456", source: "flag" });
    expect(resolveMcpToken(undefined, env)).toEqual({ token: env.PERFSCOPE_MCP_TOKEN, source: "env" });
    const a = resolveMcpToken(undefined, {});
    const b = resolveMcpToken(undefined, {});
    expect(a.source).toBe("generated");
    expect(Buffer.from(a.token, "base64url").length).toBe(32);
    expect(a.token).not.toBe(b.token);
  });
  it("refuses short or spaced tokens, naming where they came from", () => {
    expect(() => resolveMcpToken("short", {})).toThrow(/--token must be at least 16/);
    expect(() => resolveMcpToken(undefined, { PERFSCOPE_MCP_TOKEN: "tiny" })).toThrow(/PERFSCOPE_MCP_TOKEN must be at least 16/);
    expect(() => resolveMcpToken("has a space in the middle", {})).toThrow(/without spaces/);
  });
});

describe("Host and Origin checks", () => {
  it("allows the loopback names with this port, and bare names only on port 80", () => {
    expect([...buildAllowedHosts("127.0.0.1", 4000)].sort()).toEqual(["127.0.0.1:4000", "[::1]:4000", "localhost:4000"]);
    expect(buildAllowedHosts("127.0.0.1", 80).has("localhost")).toBe(true);
    expect(buildAllowedHosts("::1", 4000).has("[::1]:4000")).toBe(true);
    expect(buildAllowedHosts("192.168.7.7", 4000).has("192.168.7.7:4000")).toBe(true);
  });

  it("allows loopback page origins and listed ones only", () => {
    expect(isOriginAllowed("http://localhost:5173", [])).toBe(true);
    expect(isOriginAllowed("https://127.0.0.1", [])).toBe(true);
    expect(isOriginAllowed("http://[::1]:8080", [])).toBe(true);
    expect(isOriginAllowed("https://app.example", ["https://app.example"])).toBe(true);
    for (const o of ["null", "http://evil.example", "https://app.example.evil", "file://", "chrome-extension://abc", "not a url"]) expect(isOriginAllowed(o, ["https://app.example"]), o).toBe(false);
  });

  it("checks Host and Origin before the token, so a rebinding page learns nothing about auth", () => {
    const policy = { allowedHosts: buildAllowedHosts("127.0.0.1", 4000), allowedOrigins: [], token: "t".repeat(32) };
    const auth = `Bearer ${policy.token}`;
    expect(checkMcpRequest({ host: "127.0.0.1:4000", authorization: auth }, policy)).toBeNull();
    expect(checkMcpRequest({ host: "evil.example:4000" }, policy)?.status).toBe(403);
    expect(checkMcpRequest({ authorization: auth }, policy)?.status).toBe(403);
    expect(checkMcpRequest({ host: "localhost:4000", origin: "http://evil.example", authorization: auth }, policy)?.status).toBe(403);
    const unauth = checkMcpRequest({ host: "localhost:4000" }, policy);
    expect(unauth?.status).toBe(401);
    expect(unauth?.headers["WWW-Authenticate"]).toMatch(/^Bearer /);
    expect(checkMcpRequest({ host: "localhost:4000", authorization: "Bearer wrong" }, policy)?.headers["WWW-Authenticate"]).toContain('error="invalid_token"');
  });
});
