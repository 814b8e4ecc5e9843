import type { Frame, Profile } from "./model.js";

/**
 * Drops every sample whose stack passes through a frame matching `isExcluded` (for example
 * perfscope's own start-up code inside the target). Frames and stack nodes stay as they are:
 * unused ones cost nothing in analysis and keep node indices stable.
 */
export function dropSamplesThrough(profile: Profile, isExcluded: (frame: Frame) => boolean): Profile {
  const { frame, parent } = profile.stacks;
  const excludedFrame = profile.frames.map(isExcluded);
  if (!excludedFrame.includes(true)) return profile;
  // Parents come before their children in the stack table, so one forward pass suffices.
  const tainted = new Uint8Array(frame.length);
  for (let n = 0; n < frame.length; n++) {
    const p = parent[n]!;
    tainted[n] = excludedFrame[frame[n]!] || (p >= 0 && tainted[p] === 1) ? 1 : 0;
  }
  const { stack, weight, time } = profile.samples;
  const keep: number[] = [];
  for (let i = 0; i < stack.length; i++) {
    const node = stack[i]!;
    if (node < 0 || tainted[node] === 0) keep.push(i);
  }
  if (keep.length === stack.length) return profile;
  return {
    ...profile,
    samples: {
      stack: keep.map((i) => stack[i]!),
      weight: keep.map((i) => weight[i]!),
      time: time ? keep.map((i) => time[i]!) : null,
    },
  };
}
