/**
 * Files for bundle.size: a small glob matcher (`**` any number of path segments, `*` any
 * characters within a segment, `?` one character; "/" separators; no braces or classes),
 * the files under a folder that match, and their sizes, measured when the budget is checked
 * (not read from a saved run), optionally gzip-compressed file by file as a server would.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const REGEX_SPECIAL = /[.+^${}()|[\]\\]/g;

/** Compiles a glob to an anchored RegExp. With `segments: false`, `*` also crosses "/" (for names, not paths). */
export function compileGlob(pattern: string, options: { segments?: boolean } = {}): RegExp {
  const segments = options.segments ?? true;
  const any = segments ? "[^/]*" : ".*";
  const one = segments ? "[^/]" : ".";
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*" && pattern[i + 1] === "*") {
      const atStart = i === 0 || pattern[i - 1] === "/";
      const atEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
      i++;
      if (segments && atStart && atEnd) {
        // "**/" matches zero or more whole segments; a trailing "**" matches the rest.
        if (pattern[i + 1] === "/") {
          source += "(?:[^/]*/)*";
          i++;
        } else source += ".*";
      } else source += any;
    } else if (ch === "*") source += any;
    else if (ch === "?") source += one;
    else source += ch.replace(REGEX_SPECIAL, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function matchGlob(pattern: string, path: string, options: { segments?: boolean } = {}): boolean {
  return compileGlob(pattern, options).test(path.replace(/\\/g, "/"));
}

export function hasGlobMagic(text: string): boolean {
  return /[*?]/.test(text);
}

// Never walked into unless the pattern names them literally: huge, and never the bundle.
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

/**
 * Files under `cwd` matching `pattern` (relative, "/"-separated), sorted. Walks only from the
 * pattern's literal prefix ("dist/" for "dist/**\/*.js"), and skips node_modules and .git below it.
 */
export function findFilesMatching(cwd: string, pattern: string): string[] {
  const normalized = pattern.replace(/\\/g, "/").replace(/^\.\//, "");
  const parts = normalized.split("/");
  const firstMagic = parts.findIndex(hasGlobMagic);
  if (firstMagic === -1) {
    // A literal path: it matches itself if it exists as a file.
    const dir = parts.slice(0, -1).join("/");
    return listDir(join(cwd, dir)).some((e) => e.name === parts.at(-1) && e.isFile()) ? [normalized] : [];
  }
  const base = parts.slice(0, firstMagic).join("/");
  const re = compileGlob(normalized);
  const found: string[] = [];
  const walk = (relDir: string) => {
    for (const entry of listDir(join(cwd, relDir))) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (entry.isFile() && re.test(rel)) found.push(rel);
    }
  };
  walk(base);
  return found.sort();
}

function listDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    // A missing folder simply has no matches; the caller reports "no files match".
    return [];
  }
}

export interface BundleFileSize {
  path: string;
  bytes: number;
  gzipBytes?: number;
}

export interface BundleSize {
  pattern: string;
  files: BundleFileSize[];
  totalBytes: number;
  /** Present when gzip was asked for. */
  totalGzipBytes?: number;
}

/** Sizes of the files under `cwd` matching `pattern`; gzip at level 9, each file on its own. */
export function measureBundleSize(cwd: string, pattern: string, options: { gzip?: boolean } = {}): BundleSize {
  const files = findFilesMatching(cwd, pattern).map((path): BundleFileSize => {
    const content = readFileSync(join(cwd, path));
    return options.gzip ? { path, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length } : { path, bytes: content.length };
  });
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  if (!options.gzip) return { pattern, files, totalBytes };
  return { pattern, files, totalBytes, totalGzipBytes: files.reduce((sum, f) => sum + (f.gzipBytes ?? 0), 0) };
}
