import { weightToMs, type Profile } from "../model.js";

/** The V8 `.cpuprofile` shape Chrome DevTools loads (Performance panel → Load profile). */
export interface CpuProfileJson {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
    hitCount: number;
    children: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Writes a profile as a V8 CPU profile. Each sample becomes one V8 sample lasting its weight,
 * so an importer that times samples by their gaps (ours, DevTools) gets the weights back.
 * Profiles not measured in time are written with 1 ms per unit of weight.
 */
export function exportToCpuProfile(profile: Profile): CpuProfileJson {
  const nodeCount = profile.stacks.frame.length;
  // Node ids: 1 is V8's synthetic (root), stack node i becomes i + 2.
  const nodes: CpuProfileJson["nodes"] = [
    { id: 1, callFrame: { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] },
  ];
  for (let i = 0; i < nodeCount; i++) {
    const f = profile.frames[profile.stacks.frame[i]!]!;
    nodes.push({
      id: i + 2,
      callFrame: {
        functionName: f.name === "(anonymous)" ? "" : f.name,
        scriptId: "0",
        // V8 frames have no kind: a URL is what lets our importer tell kernel frames apart.
        url: f.file ?? (f.kind === "kernel" ? "[kernel.kallsyms]" : ""),
        lineNumber: f.line !== undefined ? f.line - 1 : -1,
        columnNumber: f.column !== undefined ? f.column - 1 : -1,
      },
      hitCount: 0,
      children: [],
    });
  }
  for (let i = 0; i < nodeCount; i++) nodes[(profile.stacks.parent[i] ?? -1) + 1]!.children.push(i + 2);
  const toUs = (w: number): number => {
    const ms = weightToMs(profile.unit, w);
    return (ms ?? w) * 1000;
  };
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let previous = 0;
  for (let i = 0; i < profile.samples.stack.length; i++) {
    const id = profile.samples.stack[i]! + 2;
    samples.push(id);
    timeDeltas.push(previous);
    previous = toUs(profile.samples.weight[i]!);
    nodes[id - 1]!.hitCount++;
  }
  const total = timeDeltas.reduce((a, b) => a + b, 0) + previous;
  return { nodes, startTime: 0, endTime: total, samples, timeDeltas };
}
