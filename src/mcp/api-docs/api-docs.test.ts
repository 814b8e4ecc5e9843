import ts from "typescript";
import { describe, expect, it } from "vitest";
import { loadApiDocs, readApiDomain, searchApi } from "./api-docs.js";

describe("API docs for agents", () => {
  const docs = loadApiDocs();

  it("covers every domain, and every brokered call is declared where an agent finds it", () => {
    expect(docs.domains.map((d) => d.domain)).toEqual(expect.arrayContaining(["core", "profile", "load", "bench", "memory", "rum", "budgets", "sandbox"]));
    const brokered = docs.entries.filter((e) => e.brokered).map((e) => e.name);
    expect(brokered).toEqual(expect.arrayContaining(["profile", "runLoadTest", "findBreakingPointForTarget", "benchmarkVersions", "watchMemory", "findLeaks", "getRumData", "readTextFile", "copyToWorkspace"]));
    for (const e of docs.entries.filter((x) => x.kind === "function")) expect(readApiDomain(docs, e.domain)).toContain(`function ${e.name}`);
  });

  it("writes declarations TypeScript can parse, with return types spelled out", () => {
    for (const { domain } of docs.domains) {
      const text = readApiDomain(docs, domain);
      const sf = ts.createSourceFile(`${domain}.d.ts`, text, ts.ScriptTarget.ES2022, true);
      const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
      expect(diagnostics.map((d) => `${domain}.d.ts: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`)).toEqual([]);
    }
    // analyzeProfile has no written return type in its source: the build writes the checked one.
    expect(docs.entries.find((e) => e.name === "analyzeProfile")?.signature).toMatch(/\): ProfileAnalysis;$/);
  });

  it("ranks the function an agent means first", () => {
    expect(searchApi(docs, "find leaks")[0]?.name).toBe("findLeaks");
    expect(searchApi(docs, "compareRuns")[0]?.name).toBe("compareRuns");
    expect(searchApi(docs, "breaking point")[0]?.name).toMatch(/BreakingPoint/);
    const rum = searchApi(docs, "p75 web vitals", { domain: "rum" });
    expect(rum.length).toBeGreaterThan(0);
    expect(rum.every((m) => m.domain === "rum" && m.resource === "perfscope://api/rum.d.ts")).toBe(true);
    expect(searchApi(docs, "zzqqxx")).toEqual([]);
  });
});
