// Preloaded (node --require) into a program perfscope starts: opens the inspector on a
// random loopback port and waits for perfscope to attach, like --inspect-brk. Unlike that
// flag it acts once: the variable is removed before the program runs, so children started
// with fork() or cluster (which inherit execArgv) run normally instead of waiting forever.
"use strict";
if (process.env.PERFSCOPE_INSPECT_ONCE === "1") {
  delete process.env.PERFSCOPE_INSPECT_ONCE;
  const inspector = require("node:inspector");
  inspector.open(0, "127.0.0.1", false);
  inspector.waitForDebugger();
}
