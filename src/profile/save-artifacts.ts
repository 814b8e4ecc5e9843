import { writeFile } from "node:fs/promises";
import type { RunOutput } from "../core/run-output.js";
import { renderFlameGraphHtml, renderFlameGraphSvg } from "../flamegraph/index.js";
import { renderProfileMarkdown } from "../report/profile-report.js";
import type { ProfileAnalysis } from "./analyze/analyze-profile.js";
import { exportToCollapsed, exportToCpuProfile, exportToPerfscopeJson } from "./export/index.js";
import type { Profile } from "./model.js";

/** Paths of everything a profile run keeps on disk. */
export interface ProfileFiles {
  profile: string;
  cpuprofile: string;
  folded: string;
  flamegraphSvg: string;
  flamegraphHtml: string;
  analysis: string;
  report: string;
}

/**
 * Writes the raw profile (our JSON, V8 .cpuprofile for DevTools, folded stacks), the flame
 * graphs, and the analysis: raw data stays in files, only summaries travel further.
 */
export async function saveProfileArtifacts(profile: Profile, analysis: ProfileAnalysis, out: RunOutput): Promise<ProfileFiles> {
  const files: ProfileFiles = {
    profile: out.file("profile.json"),
    cpuprofile: out.file("profile.cpuprofile"),
    folded: out.file("profile.folded"),
    flamegraphSvg: out.file("flamegraph.svg"),
    flamegraphHtml: out.file("flamegraph.html"),
    analysis: out.file("analysis.json"),
    report: out.file("report.md"),
  };
  // The raw profile first: if anything later fails, the data is already safe.
  await writeFile(files.profile, exportToPerfscopeJson(profile));
  const title = profile.meta.target ?? profile.meta.name ?? "CPU profile";
  await Promise.all([
    writeFile(files.cpuprofile, JSON.stringify(exportToCpuProfile(profile))),
    writeFile(files.folded, exportToCollapsed(profile)),
    writeFile(files.flamegraphSvg, renderFlameGraphSvg(profile, { title })),
    writeFile(files.flamegraphHtml, renderFlameGraphHtml(profile, { title })),
    writeFile(files.analysis, JSON.stringify(analysis, null, 2)),
  ]);
  await writeFile(files.report, renderProfileMarkdown(analysis, { files: { ...files } }));
  return files;
}
