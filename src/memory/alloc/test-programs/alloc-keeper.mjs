// Retained vs allocated target: churn() allocates 10x what keeper() does into a scratch
// list that is dropped when the work is done (so it lives long enough to reach V8's old
// generation, which only a full GC frees); keeper() keeps what it allocates until the end.
// Ends by itself.
const rounds = Number(process.argv[2] ?? 400);
globalThis.kept = [];
let scratch = [];

function keeper() {
  globalThis.kept.push(new Array(512).fill(globalThis.kept.length));
}

function churn() {
  for (let j = 0; j < 10; j++) scratch.push(new Array(512).fill(j));
}

for (let i = 0; i < rounds; i++) {
  keeper();
  churn();
}
const scratchCount = scratch.length;
scratch = null;
console.log(`alloc-keeper done kept=${globalThis.kept.length} scratch=${scratchCount}`);
