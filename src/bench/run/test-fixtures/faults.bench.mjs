import { bench } from "perfscope";

// The process dies mid-measurement.
bench("exits", () => process.exit(3));

// Awaits a promise that nothing will ever settle.
bench("never settles", () => new Promise(() => {}));

// Rejects a promise nobody awaits.
bench("stray rejection", () => {
  void Promise.reject(new Error("stray rejection"));
  return 1;
});
