/**
 * Collects what the child prints, up to a cap; the rest is counted, not kept, so a
 * script printing gigabytes costs the server nothing but the reading.
 */
import { formatBytes } from "../../core/units.js";

export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly capBytes: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.capBytes - this.kept;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  /** The kept text, with a last line saying how much was printed and how much is shown. */
  render(): string {
    // A cut through a multi-byte character decodes to U+FFFD; that is acceptable at the cap.
    let text = Buffer.concat(this.chunks).toString("utf8");
    if (this.truncated) {
      if (!text.endsWith("\n")) text += "\n";
      text += `[output truncated: ${formatBytes(this.total)} printed, ${formatBytes(this.kept)} shown]\n`;
    }
    return text;
  }
}
