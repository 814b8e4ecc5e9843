// Allocation ratio target: makeBigStrings builds 10x the bytes of makeSmall, called the same
// number of times. join() makes flat strings of exactly the joined length, so the bytes
// are known: 20,000 vs 2,000 characters per call. Ends by itself.
const rounds = Number(process.argv[2] ?? 3000);
const piece = "abcdefghij".repeat(50);
const bigParts = Array.from({ length: 40 }, () => piece);
const smallParts = Array.from({ length: 4 }, () => piece);
const sink = [];

function makeBigStrings() {
  return bigParts.join("");
}

function makeSmall() {
  return smallParts.join("");
}

for (let i = 0; i < rounds; i++) {
  sink[i % 8] = makeBigStrings();
  sink[(i + 4) % 8] = makeSmall();
}
console.log(`alloc-ratio done ${sink.length}`);
