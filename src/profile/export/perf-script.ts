import { formatPerfFrameText } from "../import/perf-script-frame.js";
import { weightToMs, type Profile } from "../model.js";

/**
 * Writes a profile as `perf script` text: one sample per profile sample, leaf first, with
 * perf's frame spelling (`sym (dso)`, V8's `JS:name file:line:col`). Each sample's weight is
 * its `cpu-clock` period in nanoseconds (time units; others keep their number) and the timestamps advance by it, so importing with
 * `weighting: "period"` gives the weights back exactly; "time" weighting gives them back when
 * samples are evenly spaced. Addresses are synthetic (perf's are gone once symbolised).
 */
export function exportToPerfScript(profile: Profile, options: { comm?: string; pid?: number } = {}): string {
  const comm = (options.comm ?? "perfscope").replace(/\s+/g, "_");
  const pid = options.pid ?? profile.meta.pid ?? 1;
  const frameText = profile.frames.map((f) => formatPerfFrameText(f));
  const lines: string[] = [];
  // Time profiles become cpu-clock periods in ns; other units keep their raw weight under a
  // non-clock event name, which our importer reads back with unit "none".
  const event = weightToMs(profile.unit, 1) === null ? "weight" : "cpu-clock";
  let clockNs = 1_000_000_000; // start at 1 s: perf timestamps are never 0
  for (let i = 0; i < profile.samples.stack.length; i++) {
    const w = profile.samples.weight[i]!;
    const ms = weightToMs(profile.unit, w);
    const periodNs = Math.round(ms === null ? w : ms * 1e6);
    const secs = Math.floor(clockNs / 1e9);
    const frac = String(clockNs % 1e9).padStart(9, "0");
    lines.push(`${comm} ${pid}/${pid} ${secs}.${frac}: ${periodNs} ${event}:`);
    for (let n = profile.samples.stack[i]!; n >= 0; n = profile.stacks.parent[n] ?? -1) {
      lines.push(`\t${(0x400000 + n * 16).toString(16)} ${frameText[profile.stacks.frame[n]!]!}`);
    }
    lines.push("");
    clockNs += Math.max(periodNs, 1);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
