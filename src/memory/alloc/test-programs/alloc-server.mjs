// A long-running allocating process to attach to, like a busy server: attachAllocator()
// builds short-lived arrays every few milliseconds. Prints "ready" once its loop runs and
// exits by itself after maxMs (default 60 s), so a failed test cannot leave it behind.
const maxMs = Number(process.argv[2] ?? 60_000);
let sink = null;

function attachAllocator() {
  for (let j = 0; j < 50; j++) sink = new Array(256).fill(j);
}

const timer = setInterval(attachAllocator, 2);
setTimeout(() => {
  clearInterval(timer);
  console.log(`alloc-server done ${sink.length}`);
}, maxMs);
console.log(`ready pid=${process.pid}`);
