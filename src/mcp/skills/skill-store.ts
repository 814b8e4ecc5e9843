/**
 * Where skills live and how they are read and written. Layout, the same for shipped and
 * project skills:
 *
 *   skills/performance/<name>/SKILL.md    what it does, its arguments, an example
 *   skills/performance/<name>/<name>.ts   the script (globals: perf, performance_mcp, args)
 *
 * Shipped skills sit in the installed package's skills/performance/; project skills in
 * <root>/skills/performance/ and override shipped ones of the same name.
 */
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PerfError } from "../../core/errors.js";
import { isInside } from "../sandbox/policy.js";
import { parseSkillManifest, renderSkillManifest, SKILL_NAME_PATTERN, type SkillManifest, type SkillParameter } from "./skill-manifest.js";

export type SkillOrigin = "shipped" | "project";

export interface StoredSkill {
  name: string;
  where: SkillOrigin;
  manifest: SkillManifest;
  codeFile: string;
  manifestFile: string;
  /** A project skill that replaces a shipped one of the same name. */
  overridesShipped: boolean;
}

export interface SkillDirs {
  shipped: string;
  project: string;
}

/** The package's own skills/performance/: three levels up from src/mcp/skills or dist/mcp/skills. */
export function findShippedSkillsDir(): string {
  return fileURLToPath(new URL("../../../skills/performance/", import.meta.url));
}

export function resolveSkillDirs(root: string, shipped?: string): SkillDirs {
  return { shipped: shipped ?? findShippedSkillsDir(), project: join(root, "skills", "performance") };
}

async function readSkillsIn(dir: string, where: SkillOrigin, problems: string[]): Promise<StoredSkill[]> {
  if (!existsSync(dir)) return [];
  const skills: StoredSkill[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !SKILL_NAME_PATTERN.test(entry.name)) continue;
    const manifestFile = join(dir, entry.name, "SKILL.md");
    const codeFile = join(dir, entry.name, `${entry.name}.ts`);
    if (!existsSync(manifestFile) || !existsSync(codeFile)) {
      problems.push(`${join(dir, entry.name)}: needs SKILL.md and ${entry.name}.ts`);
      continue;
    }
    try {
      const manifest = parseSkillManifest(await readFile(manifestFile, "utf8"), manifestFile);
      if (manifest.name !== entry.name) throw new PerfError("MALFORMED_INPUT", `SKILL.md names ${manifest.name}, its folder ${entry.name}`, { where: { file: manifestFile } });
      skills.push({ name: entry.name, where, manifest, codeFile, manifestFile, overridesShipped: false });
    } catch (e) {
      problems.push(`${manifestFile}: ${(e as Error).message}`);
    }
  }
  return skills;
}

/** Every skill, project ones replacing shipped ones of the same name, sorted by name. */
export async function listSkills(dirs: SkillDirs): Promise<{ skills: StoredSkill[]; problems: string[] }> {
  const problems: string[] = [];
  const byName = new Map<string, StoredSkill>();
  for (const s of await readSkillsIn(dirs.shipped, "shipped", problems)) byName.set(s.name, s);
  for (const s of await readSkillsIn(dirs.project, "project", problems)) byName.set(s.name, { ...s, overridesShipped: byName.has(s.name) });
  return { skills: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), problems };
}

export async function loadSkill(dirs: SkillDirs, name: string): Promise<StoredSkill & { code: string }> {
  if (!SKILL_NAME_PATTERN.test(name)) throw new PerfError("USAGE", `Not a skill name: ${JSON.stringify(name)}.`, { hint: "Names are [a-z0-9-]{1,64}; list_skills shows them." });
  const { skills, problems } = await listSkills(dirs);
  const skill = skills.find((s) => s.name === name);
  if (!skill) {
    const broken = problems.find((p) => p.includes(`/${name}/`));
    throw new PerfError("TARGET_NOT_FOUND", broken ? `Skill ${name} cannot be read: ${broken}` : `No skill named ${name}.`, { hint: `Skills: ${skills.map((s) => s.name).join(", ") || "(none)"}.` });
  }
  return { ...skill, code: await readFile(skill.codeFile, "utf8") };
}

export interface SaveSkillInput {
  name: string;
  description: string;
  code: string;
  parameters: SkillParameter[];
  /** Markdown after the front matter: what it does, an example. */
  body: string;
  overwrite: boolean;
}

/** Refuses a folder that resolves outside the root (a symlink planted under skills/). */
async function confinedDir(root: string, dir: string): Promise<void> {
  const realRoot = await realpath(root);
  const realDir = await realpath(dir);
  if (!isInside(realRoot, realDir)) throw new PerfError("PERMISSION_DENIED", `The skill folder ${dir} resolves to ${realDir}, outside the server root ${realRoot}.`, { where: { file: dir }, hint: "Remove the symlink under skills/performance/." });
}

async function writeConfined(file: string, text: string, overwrite: boolean): Promise<void> {
  const existing = await lstat(file).catch(() => null);
  if (existing?.isSymbolicLink()) throw new PerfError("PERMISSION_DENIED", `${file} is a symlink; a skill file is never written through one.`, { where: { file } });
  // "wx" fails on any existing name, so a skill is never replaced by accident.
  await writeFile(file, text, { flag: overwrite ? "w" : "wx" });
}

export async function saveSkill(root: string, input: SaveSkillInput): Promise<{ dir: string; files: string[] }> {
  if (!SKILL_NAME_PATTERN.test(input.name)) throw new PerfError("USAGE", `Skill name ${JSON.stringify(input.name)} must match [a-z0-9-]{1,64}.`, { hint: 'e.g. "api-latency-check"' });
  const base = join(root, "skills", "performance");
  const dir = join(base, input.name);
  const manifestFile = join(dir, "SKILL.md");
  const codeFile = join(dir, `${input.name}.ts`);
  if (!input.overwrite && (existsSync(manifestFile) || existsSync(codeFile))) {
    throw new PerfError("USAGE", `A project skill named ${input.name} exists (${dir}).`, { where: { file: dir }, hint: "Pass overwrite: true to replace it, or choose another name." });
  }
  await mkdir(base, { recursive: true });
  await confinedDir(root, base);
  await mkdir(dir, { recursive: true });
  await confinedDir(root, dir);
  const manifest = renderSkillManifest({ name: input.name, description: input.description, parameters: input.parameters, body: input.body || `# ${input.name}\n\n${input.description}` });
  const reread = parseSkillManifest(manifest, manifestFile).parameters;
  const same = (a: SkillParameter, b: SkillParameter) => a.name === b.name && a.type === b.type && a.required === b.required && JSON.stringify(a.default) === JSON.stringify(b.default) && a.description === b.description.replace(/\s+/g, " ").trim();
  if (reread.length !== input.parameters.length || reread.some((p, i) => !same(p, input.parameters[i]!))) {
    throw new PerfError("USAGE", "The skill's parameters do not survive being written to SKILL.md (a default or description holding \". \"?).", { hint: "Simplify the default or the description; nothing was saved." });
  }
  await writeConfined(codeFile, input.code.endsWith("\n") ? input.code : `${input.code}\n`, input.overwrite);
  await writeConfined(manifestFile, manifest, input.overwrite);
  return { dir, files: [codeFile, manifestFile] };
}
