/**
 * Brokered `benchmarkVersions`: compares git refs of the server root's repository only
 * (the script names committed refs, never a folder or the working tree). Builds are off unless the script names a build
 * command that allowedCommands lists, since a build runs the ref's own scripts. Each
 * version's full run (every sample) is saved into the workspace; the script gets the
 * library's result as JSON with the file paths.
 */
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { PerfError } from "../../core/errors.js";
import { benchmarkVersions, WORKING_TREE, type VersionsOptions } from "../../bench/run/versions.js";
import { splitCommandLine } from "../../profile/target.js";
import { denyCall, isCommandAllowed, isInside } from "./policy.js";
import { copyIntoWorkspace } from "./workspace-copy.js";
import { optionsOf, requireRoot, withScratch, type BrokeredCall, type BrokerContext } from "./broker-types.js";
import type { ScriptPolicy } from "./types.js";

const MAX_VERSIONS = 20;
// A ref as git spells one; a leading "-" would read as an option.
const REF_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_./@^~{}+-]{0,199}$/;
const SAFE_BUILD = /^[A-Za-z0-9_./:=@%+, -]{1,500}$/;
const USAGE = 'perf.benchmarkVersions({ versions: ["v1.0.0", "v1.1.0", "HEAD"], filter: ["render_time"] })';

function checkVersionsOptions(policy: ScriptPolicy, options: unknown, ctx: BrokerContext): void {
  const root = requireRoot(ctx, "benchmarkVersions");
  const o = optionsOf(options);
  const versions = o.versions;
  if (!Array.isArray(versions) || versions.length === 0 || versions.length > MAX_VERSIONS) throw new PerfError("USAGE", `benchmarkVersions needs 1–${MAX_VERSIONS} git refs in \`versions\`.`, { hint: USAGE });
  for (const ref of versions as unknown[]) {
    // Not "." (the working tree): it holds the scripts' own workspaces, so their files would run outside the sandbox.
    if (ref === WORKING_TREE) throw denyCall("benchmarking the working tree (\".\")", "Scripts compare committed refs only: tags, branches, commits or HEAD~2.");
    if (typeof ref !== "string" || !REF_PATTERN.test(ref) || ref.includes("..")) throw new PerfError("USAGE", `Not a git ref: ${JSON.stringify(ref)}.`, { hint: "Tags, branches, commits or HEAD~2." });
  }
  if (o.cwd !== undefined) throw denyCall("choosing the repository (cwd) of benchmarkVersions", `Versions are refs of the server's root repository (${root}).`);
  if (o.paths !== undefined) {
    // Relative, without "..": each is read inside every ref's own worktree, never from elsewhere on disk.
    const ok = Array.isArray(o.paths) && (o.paths as unknown[]).every((p) => typeof p === "string" && p !== "" && !isAbsolute(p) && !p.split(/[\\/]/).includes("..") && isInside(resolve(root), resolve(root, p)));
    if (!ok) throw denyCall(`bench paths ${JSON.stringify(o.paths)?.slice(0, 200)} outside the server root`, "Give folders or files relative to the root, without '..'.");
  }
  if (o.filter !== undefined && !(Array.isArray(o.filter) && (o.filter as unknown[]).every((f) => typeof f === "string"))) throw new PerfError("USAGE", "`filter` must be a list of benchmark names.", { hint: USAGE });
  // The build runs through a shell: only plain words, so nothing can follow the allowed prefix.
  if (typeof o.build === "string" && !SAFE_BUILD.test(o.build)) {
    throw denyCall(`the build command "${o.build.slice(0, 200)}" (shell syntax)`, "Give a plain command line of words, e.g. \"npm run build\": no ; | & $ ` < > quotes or newlines.");
  }
  if (typeof o.build === "string" && !isCommandAllowed(policy, splitCommandLine(o.build))) {
    throw denyCall(`the build command "${o.build}"`, `Allowed command prefixes: ${policy.allowedCommands.join(" | ") || "(none)"}; or leave build out (no build step).`);
  }
  if (o.build !== undefined && o.build !== false && typeof o.build !== "string") throw new PerfError("USAGE", "`build` must be a command line or false.", { hint: USAGE });
}

function pickNumber(o: Record<string, unknown>, key: string, max: number): Record<string, number> {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? { [key]: Math.min(v, max) } : {};
}

async function runVersions(options: unknown, ctx: BrokerContext): Promise<unknown> {
  const o = optionsOf(options);
  const request: VersionsOptions = {
    cwd: requireRoot(ctx, "benchmarkVersions"),
    versions: o.versions as string[],
    build: typeof o.build === "string" ? o.build : false,
    signal: ctx.signal,
    ...(o.paths ? { paths: o.paths as string[] } : {}),
    ...(o.filter ? { filter: o.filter as string[] } : {}),
    ...pickNumber(o, "processes", 50),
    ...pickNumber(o, "timeMs", 60_000),
    ...pickNumber(o, "warmupMs", 60_000),
    ...pickNumber(o, "noiseBand", 1),
    ...pickNumber(o, "alpha", 0.5),
    ...(typeof o.suite === "string" ? { suite: o.suite } : {}),
  };
  const result = await benchmarkVersions(request);
  const files = await withScratch(async (scratch) => {
    const written: string[] = [];
    for (const v of result.versions) {
      if (v.state !== "completed") continue;
      const file = join(scratch, `${v.ref.replace(/[^\w.-]+/g, "_")}.bench-run.json`);
      await writeFile(file, JSON.stringify(v.run));
      written.push(file);
    }
    return written.length === 0 ? [] : ctx.whileChildStopped(() => copyIntoWorkspace(ctx.workspace, written, "versions"));
  });
  return { ...result, files };
}

export const BENCH_CALLS: readonly BrokeredCall[] = [{ name: "benchmarkVersions", check: (policy, [options], ctx) => checkVersionsOptions(policy, options, ctx), run: ([options], ctx) => runVersions(options, ctx) }];
