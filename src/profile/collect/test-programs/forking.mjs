// A program that forks a copy of itself (as cluster-based servers do): the child inherits
// the parent's execArgv, so a profiler flag that pauses at start would hang it forever.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

function childWork(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i);
  return x;
}

if (process.argv[2] === "child") {
  console.log(`child done ${childWork(2e7) > 0}`);
} else {
  const child = fork(fileURLToPath(import.meta.url), ["child"]);
  child.on("exit", (code) => console.log(`parent saw child exit ${code}`));
}
