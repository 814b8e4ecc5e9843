/**
 * Bytes to text for importers: honours UTF-8 and UTF-16 byte-order marks (FlameGraph files
 * saved on Windows are often UTF-16), otherwise UTF-8.
 */
export function decodeProfileText(data: Buffer | string): string {
  if (typeof data === "string") return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString("utf16le");
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    // Node has no UTF-16 BE decoder: swap byte pairs into LE first.
    const body = Buffer.from(data.subarray(2, data.length - (data.length % 2)));
    body.swap16();
    return body.toString("utf16le");
  }
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString("utf8");
  return data.toString("utf8");
}

/** Whether the first bytes carry a UTF-16 byte-order mark (such files cannot be streamed as UTF-8). */
export function hasUtf16Bom(head: Buffer): boolean {
  return head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff));
}
