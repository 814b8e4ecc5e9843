/* global bench */
// Uses the global bench() (no import); one benchmark throws, its sibling must still run.
function parseRecord(text) {
  if (text.length > 3) throw new Error("record too long"); // THROW-MARKER
  return text.length;
}

bench("throws", () => parseRecord("abcdef"));

bench("sibling", () => parseRecord("abc"));
