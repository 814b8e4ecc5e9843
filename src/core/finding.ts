/**
 * A Finding is one conclusion an analyzer reached: what, how bad, the number it rests on,
 * the evidence, and what to change. Analyzers are small modules with `meta` and one
 * function; `runAnalyzers` isolates them so one that throws becomes an `error` finding and
 * the rest of the report survives (Lighthouse's rule).
 */
export type Severity = "info" | "low" | "medium" | "high" | "critical";

export interface FindingEvidence {
  /** Named numbers a verdict rests on, each with its unit. */
  metrics?: Array<{ name: string; value: number; unit: string }>;
  frames?: Array<{ name: string; file?: string; line?: number; share?: number }>;
  stacks?: string[];
  queries?: string[];
  urls?: string[];
  notes?: string[];
}

export type Finding =
  | {
      status: "ok";
      id: string;
      title: string;
      severity: Severity;
      metric: { name: string; value: number; unit: string };
      evidence: FindingEvidence;
      suggestion: string;
    }
  | { status: "error"; id: string; title: string; error: string };

export interface AnalyzerMeta {
  /** Same as the file name, e.g. "cpu-hotspots". */
  id: string;
  title: string;
  /** What the analyzer needs in its input, for humans and for skipping. */
  requires: string[];
}

export interface Analyzer<Input> {
  meta: AnalyzerMeta;
  analyze(input: Input): Finding[];
}

export function runAnalyzers<Input>(analyzers: ReadonlyArray<Analyzer<Input>>, input: Input): Finding[] {
  const out: Finding[] = [];
  for (const analyzer of analyzers) {
    try {
      out.push(...analyzer.analyze(input));
    } catch (error) {
      out.push({
        status: "error",
        id: analyzer.meta.id,
        title: analyzer.meta.title,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return out;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function compareFindingsBySeverity(a: Finding, b: Finding): number {
  const sa = a.status === "ok" ? SEVERITY_ORDER[a.severity] : -1;
  const sb = b.status === "ok" ? SEVERITY_ORDER[b.severity] : -1;
  return sb - sa;
}
