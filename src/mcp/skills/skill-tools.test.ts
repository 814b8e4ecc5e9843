/**
 * save_skill, list_skills and run_skill through a real MCP server and SDK client: the
 * files land where the layout says, a project skill replaces a shipped one, arguments are
 * checked and reach the script as the frozen global `args`, nothing is overwritten by
 * accident and nothing is written outside the root.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { callTool, startScriptServer, textOf, type ScriptServer } from "./test-helpers/script-server.js";

const servers: ScriptServer[] = [];
const outside = mkdtempSync(join(tmpdir(), "perfscope-skill-outside-"));
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  rmSync(outside, { recursive: true, force: true });
});

async function fresh(): Promise<ScriptServer> {
  const s = await startScriptServer();
  servers.push(s);
  return s;
}

const GREET = {
  name: "greet-slowest",
  description: "Prints the slowest of the given timings.",
  code: `declare const args: { timings: number[]; label: string };\nconst worst = Math.max(...args.timings);\nconsole.log(\`\${args.label}: slowest \${worst} ms of \${args.timings.length}, median \${perf.median(args.timings)} ms\`);`,
  parameters: [
    { name: "timings", type: "number[]", required: true, description: "Durations in ms." },
    { name: "label", type: "string", required: false, default: "run", description: "A name for the line." },
  ],
  readme: "# greet-slowest\n\nExample: `{ \"timings\": [3, 9, 4] }`",
};

describe.concurrent("skill tools (MCP)", () => {
  it("save_skill writes <name>/<name>.ts and SKILL.md; list_skills shows it with its parameters; run_skill passes args with defaults", async () => {
    const s = await fresh();
    const saved = await callTool(s.client, "save_skill", GREET);
    expect(saved.isError, textOf(saved)).toBeFalsy();
    const dir = join(s.root, "skills", "performance", "greet-slowest");
    expect(readdirSync(dir).sort()).toEqual(["SKILL.md", "greet-slowest.ts"]);
    expect(readFileSync(join(dir, "greet-slowest.ts"), "utf8")).toBe(`${GREET.code}\n`);
    expect(readFileSync(join(dir, "SKILL.md"), "utf8")).toContain("timings: number[], required. Durations in ms.");

    const listed = await callTool(s.client, "list_skills", {});
    const skills = listed.structuredContent!.skills as { name: string; where: string; parameters: { name: string; default?: unknown }[] }[];
    const mine = skills.find((k) => k.name === "greet-slowest")!;
    expect(mine.where).toBe("project");
    expect(mine.parameters.map((p) => p.name)).toEqual(["timings", "label"]);
    expect(mine.parameters[1]!.default).toBe("run");
    // The five shipped skills are listed too.
    expect(skills.filter((k) => k.where === "shipped").map((k) => k.name)).toEqual(["breaking-point", "core-web-vitals", "memory-leak", "top-bottlenecks", "version-regressions"]);

    const ran = await callTool(s.client, "run_skill", { name: "greet-slowest", args: { timings: [3, 9, 4] } });
    expect(textOf(ran)).toBe("run: slowest 9 ms of 3, median 4 ms\n");
    expect(ran.structuredContent!.skill).toEqual({ name: "greet-slowest", where: "project" });
    expect(ran.structuredContent!.workspace as string).toMatch(/-skill-greet-slowest-\d+$/);
  });

  it("refuses to overwrite without overwrite: true, and replaces with it", async () => {
    const s = await fresh();
    await callTool(s.client, "save_skill", GREET);
    const again = await callTool(s.client, "save_skill", { ...GREET, code: "console.log('second');" });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/exists .*overwrite: true/s);
    const file = join(s.root, "skills", "performance", "greet-slowest", "greet-slowest.ts");
    expect(readFileSync(file, "utf8")).toContain("slowest");
    const replaced = await callTool(s.client, "save_skill", { ...GREET, code: "console.log('second');", overwrite: true });
    expect(replaced.isError).toBeFalsy();
    expect(textOf(await callTool(s.client, "run_skill", { name: "greet-slowest", args: { timings: [1] } }))).toBe("second\n");
  });

  it("a project skill replaces the shipped one of the same name", async () => {
    const s = await fresh();
    await callTool(s.client, "save_skill", { name: "top-bottlenecks", description: "Project variant.", code: "console.log('project variant');" });
    const listed = await callTool(s.client, "list_skills", {});
    const entry = (listed.structuredContent!.skills as { name: string; where: string; overridesShipped: boolean }[]).find((k) => k.name === "top-bottlenecks")!;
    expect(entry).toMatchObject({ where: "project", overridesShipped: true });
    const ran = await callTool(s.client, "run_skill", { name: "top-bottlenecks" });
    expect(textOf(ran)).toBe("project variant\n");
  });

  it("checks arguments: missing, unknown and mistyped ones are refused before anything runs; args cannot be changed by the script", async () => {
    const s = await fresh();
    await callTool(s.client, "save_skill", GREET);
    const missing = await callTool(s.client, "run_skill", { name: "greet-slowest", args: {} });
    expect(textOf(missing)).toMatch(/needs the argument timings \(number\[\]\)/);
    const unknown = await callTool(s.client, "run_skill", { name: "greet-slowest", args: { timings: [1], colour: "red" } });
    expect(textOf(unknown)).toMatch(/no argument "colour"/);
    const wrong = await callTool(s.client, "run_skill", { name: "greet-slowest", args: { timings: "1,2" } });
    expect(textOf(wrong)).toMatch(/timings must be number\[\]/);
    const none = await callTool(s.client, "run_skill", { name: "no-such-skill" });
    expect(textOf(none)).toMatch(/No skill named no-such-skill/);
    await callTool(s.client, "save_skill", { name: "mutate-args", description: "Tries to change args.", code: "try { (args as any).timings.push(1); console.log('changed'); } catch (e) { console.log((e as Error).name); }", parameters: [{ name: "timings", type: "number[]", required: true }] });
    expect(textOf(await callTool(s.client, "run_skill", { name: "mutate-args", args: { timings: [1] } }))).toBe("TypeError\n");
  });

  it("refuses bad names, code that does not compile, and a skills folder that leads outside the root", async () => {
    const s = await fresh();
    const bad = await callTool(s.client, "save_skill", { ...GREET, name: "../escape" }).catch((e: Error) => ({ isError: true, content: [{ type: "text", text: e.message }] }));
    expect(bad.isError).toBe(true);
    expect(existsSync(join(s.root, "skills", "escape"))).toBe(false);
    const broken = await callTool(s.client, "save_skill", { ...GREET, name: "broken", code: "const x = (;" });
    expect(textOf(broken)).toMatch(/does not compile.*script\.ts:1/);
    expect(existsSync(join(s.root, "skills", "performance", "broken"))).toBe(false);

    const linked = await fresh();
    mkdirSync(join(linked.root, "skills"));
    symlinkSync(outside, join(linked.root, "skills", "performance"));
    const escaped = await callTool(linked.client, "save_skill", GREET);
    expect(escaped.isError).toBe(true);
    expect(textOf(escaped)).toMatch(/outside the server root/);
    expect(readdirSync(outside)).toEqual([]);
  });
});
