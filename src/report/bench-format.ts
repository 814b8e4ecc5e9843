import type { BenchComparison, BenchResult } from "../bench/model.js";

/** Formatting shared by the bench reporters: ns/op in the unit a reader expects. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${(ns / 1e9).toFixed(abs >= 1e10 ? 1 : 2)} s`;
  if (abs >= 1e6) return `${(ns / 1e6).toFixed(abs >= 1e7 ? 1 : 2)} ms`;
  if (abs >= 1e3) return `${(ns / 1e3).toFixed(abs >= 1e4 ? 1 : 2)} µs`;
  return `${ns.toFixed(abs >= 10 ? 1 : 2)} ns`;
}

export function formatOps(ns: number): string {
  if (!(ns > 0)) return "∞";
  const ops = 1e9 / ns;
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)}M/s`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)}k/s`;
  return `${ops.toFixed(ops >= 10 ? 0 : 2)}/s`;
}

/** "+5.2% [3.1%, 7.4%]": the change in time, with the interval of the ratio. */
export function formatChange(c: Pick<BenchComparison, "ratio" | "ratioCi">): string {
  const p = (r: number): string => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`;
  return `${p(c.ratio)} [${p(c.ratioCi.low)}, ${p(c.ratioCi.high)}]`;
}

export function formatPValue(p: number): string {
  if (p < 0.001) return "p<0.001";
  return `p=${p.toFixed(3)}`;
}

export function resultLabel(r: Pick<BenchResult, "name" | "params">): string {
  const params = r.params ? Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(",") : "";
  return params ? `${r.name} (${params})` : r.name;
}

export function verdictWord(v: BenchComparison["verdict"]): string {
  return v === "slower" ? "SLOWER" : v === "faster" ? "faster" : "no change";
}

/** Lays out rows as a plain-text table with right-aligned numeric columns. */
export function renderTextTable(header: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}

export function renderMarkdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${header.map(esc).join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}
