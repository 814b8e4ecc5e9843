// A Node process whose memory behaves in a known way, for the memory collectors' tests.
//   node memory-target.mjs hold  <lifetimeMs> [tag]  retains ~1 MB of small objects every 50 ms (up to 200 MB)
//   node memory-target.mjs churn <lifetimeMs> [tag]  allocates garbage that survives a little (minor and major GCs), retains nothing
//   node memory-target.mjs idle  <lifetimeMs> [tag]  does nothing
// It exits with code EXIT_CODE (default 0) after lifetimeMs so a failed test leaves nothing behind.
// The tag argument is unused: tests put a unique word there to find the process by name.
const [mode = "idle", lifetime = "30000"] = process.argv.slice(2);
const held = [];
let window = [];
let timer = null;

function holdOneMegabyte() {
  // ~1 MB of JS objects: 12,500 objects of ~80 bytes each.
  const chunk = [];
  for (let i = 0; i < 12_500; i++) chunk.push({ index: i, label: `item-${i}`, at: Date.now() });
  held.push(chunk);
}

function churn() {
  // Objects live for a few rounds in `window`, get promoted to old space, then die there.
  for (let i = 0; i < 20_000; i++) window.push({ index: i, label: `garbage-${i}` });
  if (window.length > 200_000) window = [];
}

if (mode === "hold") timer = setInterval(() => held.length < 200 && holdOneMegabyte(), 50);
else if (mode === "churn") timer = setInterval(churn, 5);
setTimeout(() => {
  clearInterval(timer);
  process.exitCode = Number(process.env.EXIT_CODE ?? 0);
}, Number(lifetime));
console.log(`ready pid=${process.pid}`);
