import { ProfileBuilder, type FrameInput } from "../../profile/builder.js";
import type { Profile } from "../../profile/model.js";
import { stackFrames } from "../../profile/model.js";

/** Small seeded PRNG (mulberry32) so generated profiles are the same on every run. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedProfileOptions {
  seed: number;
  samples: number;
  /** Distinct call paths to draw samples from. */
  distinctStacks: number;
  /** Share of stacks that are very deep (200–260 frames). */
  deepShare?: number;
  /** Plant `hotFunction` at depth 3 (main → dispatch → hotFunction) in this share of samples. */
  hotShare?: number;
}

export const HOT_FUNCTION = "hotFunction";

/** A random CPU profile in microseconds built through ProfileBuilder, as importers would. */
export function generateProfile(o: GeneratedProfileOptions): Profile {
  const rng = makeRng(o.seed);
  const b = new ProfileBuilder("microseconds", { name: `generated-${o.seed}` });
  const pool: FrameInput[] = [];
  for (let i = 0; i < 120; i++) pool.push({ name: `fn${i}`, file: `/app/src/mod${i % 17}.js`, line: 1 + i });
  pool.push({ name: "(garbage collector)" }, { name: "uv_run", file: "/usr/lib/libuv.so" }, { name: "do_syscall_64", file: "[kernel.kallsyms]" });
  const frameIds = pool.map((f) => b.internFrame(f));
  const main = b.internFrame({ name: "main", file: "/app/src/main.js", line: 1 });
  const dispatch = b.internFrame({ name: "dispatch", file: "/app/src/main.js", line: 20 });
  const hot = b.internFrame({ name: HOT_FUNCTION, file: "/app/src/hot.js", line: 7 });
  const pick = (): number => frameIds[Math.floor(rng() * frameIds.length)]!;

  const nodes: number[] = [];
  for (let s = 0; s < o.distinctStacks; s++) {
    const deep = rng() < (o.deepShare ?? 0);
    const length = deep ? 200 + Math.floor(rng() * 60) : 1 + Math.floor(rng() * 12);
    const frames = [main];
    for (let d = 1; d < length; d++) frames.push(pick());
    nodes.push(b.nodeForFrames(frames));
  }
  const hotNodes: number[] = [];
  for (let s = 0; s < 8; s++) {
    const tail = Array.from({ length: Math.floor(rng() * 4) }, pick);
    hotNodes.push(b.nodeForFrames([main, dispatch, hot, ...tail]));
  }
  let time = 0;
  for (let i = 0; i < o.samples; i++) {
    const isHot = rng() < (o.hotShare ?? 0);
    // Skewed choice: low-index stacks are sampled far more often, as in real programs.
    const node = isHot ? hotNodes[Math.floor(rng() * hotNodes.length)]! : nodes[Math.floor(Math.pow(rng(), 3) * nodes.length)]!;
    const weight = 50 + Math.floor(rng() * 100);
    b.addSample(node, weight, time);
    time += weight;
  }
  return b.build();
}

/**
 * Per call path (frame indices joined by "/") the total and self weight, computed straight
 * from the samples — independent of the call-tree and layout code under test.
 */
export function weighPaths(profile: Profile): Map<string, { total: number; self: number; depth: number }> {
  const out = new Map<string, { total: number; self: number; depth: number }>();
  const pathsOfNode = new Map<number, string[]>();
  profile.samples.stack.forEach((node, i) => {
    const w = profile.samples.weight[i]!;
    if (node < 0) return;
    let prefixes = pathsOfNode.get(node);
    if (!prefixes) {
      const frames = stackFrames(profile, node);
      prefixes = frames.map((_, d) => frames.slice(0, d + 1).join("/"));
      pathsOfNode.set(node, prefixes);
    }
    prefixes.forEach((key, d) => {
      let e = out.get(key);
      if (!e) out.set(key, (e = { total: 0, self: 0, depth: d + 1 }));
      e.total += w;
      if (d === prefixes!.length - 1) e.self += w;
    });
  });
  return out;
}

/** Names that break naive XML/HTML output: markup, quotes, entities, non-BMP text. */
export const HOSTILE_NAMES = [
  '</script><script>alert("pwned")</script>',
  "a & b 'single' \"double\" <tag>",
  "emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",
  "<!-- not a comment --> ]]> &amp; literally",
] as const;

/** Names XML cannot carry as is: they must come out with U+FFFD in place of the bad character. */
export const INVALID_XML_NAMES = ["ctrl\u0001char", "lone\uD800surrogate"] as const;

export const HOSTILE_FILE = '/tmp/we<ird>&"dir"/app\'s.js';

/** A small profile whose frames carry every hostile name, each with equal weight. */
export function buildHostileProfile(): Profile {
  const b = new ProfileBuilder("microseconds", { name: 'Hostile <profile> & "friends"' });
  const names = [...HOSTILE_NAMES, ...INVALID_XML_NAMES];
  names.forEach((name, i) => {
    b.addStack([{ name: "main", file: "/app/main.js", line: 1 }, { name, file: HOSTILE_FILE, line: 10 + i, column: 3 }], 1000 * (i + 1), i * 10_000);
  });
  return b.build();
}
