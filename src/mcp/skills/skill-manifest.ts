/**
 * A skill's SKILL.md: front matter with its name, a one-line description and its
 * arguments, then free Markdown (what it does, an example). The argument lines are
 *
 *   args:
 *     command: string|string[], required. The command to profile.
 *     top: number, optional, default 5. How many functions to list.
 *
 * (type, required or optional, an optional JSON default, then the description), so the
 * file reads well as Markdown and parses without a YAML library.
 */
import { PerfError } from "../../core/errors.js";

export const SKILL_NAME_PATTERN = /^[a-z0-9-]{1,64}$/;
export const ARG_TYPES = ["string", "number", "boolean", "string[]", "number[]", "object"] as const;
export type SkillArgType = (typeof ARG_TYPES)[number];

export interface SkillParameter {
  name: string;
  /** One type or several joined with "|", e.g. "string|string[]". */
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

export interface SkillManifest {
  name: string;
  description: string;
  parameters: SkillParameter[];
  body: string;
}

const ARG_LINE = /^ {2}([A-Za-z_]\w{0,63}): ([a-z[\]|]+), (required|optional)(?:, default (.+?))?\.(?: (.*))?$/;

function parseDefault(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PerfError("MALFORMED_INPUT", `Skill manifest: the default ${text} is not JSON.`, { where: { file, line }, hint: 'Write defaults as JSON: 5, "2s", [10, 50], true.' });
  }
}

export function parseSkillManifest(text: string, file: string): SkillManifest {
  const lines = text.split(/\r?\n/);
  const end = lines.indexOf("---", 1);
  if (lines[0] !== "---" || end < 0) throw new PerfError("MALFORMED_INPUT", "Skill manifest: no front matter (a block between two --- lines) at the top.", { where: { file, line: 1 }, hint: "Start SKILL.md with ---, name:, description:, args:, ---." });
  let name = "";
  let description = "";
  const parameters: SkillParameter[] = [];
  let inArgs = false;
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (inArgs && line.startsWith("  ")) {
      const m = ARG_LINE.exec(line);
      if (!m) throw new PerfError("MALFORMED_INPUT", `Skill manifest: cannot read the argument line ${JSON.stringify(line.trim())}.`, { where: { file, line: i + 1 }, hint: "Expected `  name: type, required|optional[, default JSON]. description`." });
      const types = m[2]!.split("|");
      const bad = types.find((t) => !(ARG_TYPES as readonly string[]).includes(t));
      if (bad) throw new PerfError("MALFORMED_INPUT", `Skill manifest: unknown argument type ${bad}.`, { where: { file, line: i + 1 }, hint: `Types: ${ARG_TYPES.join(", ")}.` });
      parameters.push({ name: m[1]!, type: m[2]!, required: m[3] === "required", ...(m[4] !== undefined ? { default: parseDefault(m[4], file, i + 1) } : {}), description: m[5] ?? "" });
      continue;
    }
    inArgs = false;
    const kv = /^(\w+):\s*(.*)$/.exec(line);
    if (!kv) throw new PerfError("MALFORMED_INPUT", `Skill manifest: cannot read ${JSON.stringify(line)}.`, { where: { file, line: i + 1 }, hint: "Front matter lines are `key: value`." });
    if (kv[1] === "name") name = kv[2]!.trim();
    else if (kv[1] === "description") description = kv[2]!.trim();
    else if (kv[1] === "args") inArgs = true;
  }
  if (!SKILL_NAME_PATTERN.test(name)) throw new PerfError("MALFORMED_INPUT", `Skill manifest: name ${JSON.stringify(name)} is missing or not [a-z0-9-]{1,64}.`, { where: { file, line: 2 } });
  return { name, description, parameters, body: lines.slice(end + 1).join("\n").trim() };
}

function formatParameter(p: SkillParameter): string {
  const dflt = p.default !== undefined ? `, default ${JSON.stringify(p.default)}` : "";
  return `  ${p.name}: ${p.type}, ${p.required ? "required" : "optional"}${dflt}.${p.description ? ` ${p.description.replace(/\s+/g, " ").trim()}` : ""}`;
}

export function renderSkillManifest(m: SkillManifest): string {
  const args = m.parameters.length > 0 ? ["args:", ...m.parameters.map(formatParameter)] : [];
  return ["---", `name: ${m.name}`, `description: ${m.description.replace(/\s+/g, " ").trim()}`, ...args, "---", "", m.body.trim(), ""].join("\n");
}

function matchesType(value: unknown, type: string): boolean {
  return type.split("|").some((t) => {
    if (t === "string[]") return Array.isArray(value) && value.every((v) => typeof v === "string");
    if (t === "number[]") return Array.isArray(value) && value.every((v) => typeof v === "number");
    if (t === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
    return typeof value === t;
  });
}

/** The skill's arguments with defaults filled in; unknown, missing or mistyped ones are refused. */
export function resolveSkillArgs(manifest: SkillManifest, given: Record<string, unknown>): Record<string, unknown> {
  const usage = manifest.parameters.map((p) => `${p.name} (${p.type}${p.required ? ", required" : ""})`).join(", ") || "none";
  const unknown = Object.keys(given).filter((k) => !manifest.parameters.some((p) => p.name === k));
  if (unknown.length > 0) throw new PerfError("USAGE", `Skill ${manifest.name} has no argument ${unknown.map((k) => JSON.stringify(k)).join(", ")}.`, { hint: `Its arguments: ${usage}.` });
  const out: Record<string, unknown> = {};
  for (const p of manifest.parameters) {
    const value = given[p.name] ?? p.default;
    if (value === undefined) {
      if (p.required) throw new PerfError("USAGE", `Skill ${manifest.name} needs the argument ${p.name} (${p.type}): ${p.description}`, { hint: `Its arguments: ${usage}.` });
      continue;
    }
    if (!matchesType(value, p.type)) throw new PerfError("USAGE", `Skill ${manifest.name}: ${p.name} must be ${p.type}, got ${JSON.stringify(value)?.slice(0, 100)}.`, { hint: p.description });
    out[p.name] = value;
  }
  return out;
}
