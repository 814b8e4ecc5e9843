// A long-running Node process to attach to: it burns CPU in attachHotspot() every few
// milliseconds, like a busy server, and prints "ready" once its loop has started.
// It exits by itself after maxMs (default 60 s) so a failed test cannot leave it behind.
const maxMs = Number(process.argv[2] ?? 60_000);

function attachHotspot(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i) * Math.atan(i);
  return x;
}

let sink = 0;
const timer = setInterval(() => {
  sink += attachHotspot(300_000);
}, 2);
setTimeout(() => {
  clearInterval(timer);
  console.log(`long-running done sink=${Number.isFinite(sink)}`);
}, maxMs);
console.log(`ready pid=${process.pid}`);
