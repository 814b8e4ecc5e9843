/**
 * Caller blocks for the `perf script` reader. A sample's leaf line carries the sampled
 * instruction address and changes almost every time, but the caller lines under it (return
 * addresses, symbols, DSOs) repeat verbatim whenever the same call path is sampled again.
 * So per leaf frame we remember the exact text of the caller lines that followed it the last
 * few times: when a sample repeats one of them, a single string compare accepts the whole
 * block instead of one compare per line.
 */
export interface CallerBlock {
  /** The caller lines joined by "\n", without the final newline. */
  text: string;
  /** Line-cache entries of those lines, leaf side first. */
  entries: Int32Array;
}

/** Call paths remembered per leaf frame (a leaf such as memcpy is reached from many). */
const BLOCKS_PER_LEAF = 4;
/** Total characters of block text kept; past it the cache starts over (bounded memory). */
const BLOCK_CACHE_LIMIT_CHARS = 32 * 1024 * 1024;

export class CallerBlockCache {
  /** Per leaf frame, its blocks, most recently used first. */
  private blocks: Array<CallerBlock[] | undefined> = [];
  private chars = 0;

  /**
   * A block of `leafFrame` that `text` repeats at `pos`, ending at a line end inside `text`,
   * or undefined. A block cut by a chunk boundary is simply not used.
   */
  match(leafFrame: number, text: string, pos: number): CallerBlock | undefined {
    const list = this.blocks[leafFrame];
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const block = list[i]!;
      const end = pos + block.text.length;
      if (end >= text.length || text.charCodeAt(end) !== 10) continue;
      if (text.slice(pos, end) !== block.text) continue;
      if (i > 0) {
        list[i] = list[0]!;
        list[0] = block;
      }
      return block;
    }
    return undefined;
  }

  /** Remembers the caller lines of a finished sample for its leaf, unless already known. */
  remember(leafFrame: number, entries: readonly number[], count: number, lineText: readonly string[]): void {
    const list = (this.blocks[leafFrame] ??= []);
    for (const known of list) {
      if (known.entries.length !== count) continue;
      let i = 0;
      while (i < count && known.entries[i] === entries[i]) i++;
      if (i === count) return;
    }
    const ids = new Int32Array(count);
    const parts: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      ids[i] = entries[i]!;
      parts[i] = lineText[entries[i]!]!;
    }
    const text = parts.join("\n");
    if (this.chars + text.length > BLOCK_CACHE_LIMIT_CHARS) {
      this.clear();
      this.blocks[leafFrame] = [{ text, entries: ids }];
      this.chars = text.length;
      return;
    }
    if (list.length >= BLOCKS_PER_LEAF) this.chars -= list.pop()!.text.length;
    list.unshift({ text, entries: ids });
    this.chars += text.length;
  }

  /** Forgets every block (the line cache they point into was reset). */
  clear(): void {
    this.blocks = [];
    this.chars = 0;
  }
}
