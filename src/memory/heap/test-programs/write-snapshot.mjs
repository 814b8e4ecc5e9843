// Writes a heap snapshot of itself to argv[2], after creating strings that exercise JSON
// escapes (quotes, backslashes, control characters, non-ASCII, astral and lone surrogates).
import { writeHeapSnapshot } from "node:v8";

class Holder {
  constructor(values) {
    this.values = values;
  }
}
const tricky = [
  'say "hi"\\path\\to\tfile\nnext line\r\u0001\u001f',
  "naïve café — ünïcödé ✓",
  "astral 😀 𝄞 and more 🚀",
  `lone high ${"\ud800"} and lone low ${"\udc00"} end`,
  "slash / and unicode escape \u2028 \u2029",
  "x".repeat(3000) + '"' + "y".repeat(3000),
];
globalThis.keep = new Holder(tricky.map((s, i) => `${s} #${i}`));
writeHeapSnapshot(process.argv[2]);
