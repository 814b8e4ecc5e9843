import { PerfError } from "../core/errors.js";

/** Calls `fn`, which must throw a PerfError, and returns that error (anything else is rethrown). */
export function thrownPerfError(fn: () => unknown): PerfError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PerfError) return e;
    throw e;
  }
  throw new Error("expected a PerfError");
}
