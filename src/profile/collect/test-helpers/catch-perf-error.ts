import { expect } from "vitest";
import { PerfError } from "../../../core/errors.js";

/** Awaits a promise that must reject with a PerfError, and returns that error. */
export async function catchPerfError(promise: Promise<unknown>): Promise<PerfError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PerfError);
  return error as PerfError;
}
