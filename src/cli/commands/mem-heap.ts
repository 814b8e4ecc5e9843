import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { createRunOutput } from "../../core/run-output.js";
import { formatBytes } from "../../core/units.js";
import { openV8MemorySession } from "../../memory/collect/v8-memory.js";
import { describeLeakCandidates, findLeaks } from "../../memory/find-leaks.js";
import { parseHeapSnapshotFile } from "../../memory/heap/parse-snapshot.js";
import { summarizeHeap, type HeapSummary } from "../../memory/heap/summarize-heap.js";
import { takeHeapSnapshot } from "../../memory/heap/take-snapshot.js";
import { findLeakCandidates } from "../../memory/heap/three-snapshot.js";
import { renderTextTable } from "../../report/bench-format.js";
import { renderJson } from "../../report/profile-report.js";
import { createProgressPrinter, installStopSignals, reportError, usageError, writeLine, type CliIo } from "../io.js";
import { MEM_HELP } from "./mem-help.js";
import { MEM_OUTPUT_OPTIONS, parseMemTarget, parsePositive, splitAtDashes } from "./mem.js";

function renderHeapSummary(file: string, s: HeapSummary): string {
  const rows = s.top.map((c) => [c.className, String(c.count), formatBytes(c.selfSize), formatBytes(c.retainedSize)]);
  return [
    `${file}: ${s.nodeCount.toLocaleString("en-US")} objects, ${formatBytes(s.reachableSize)} reachable of ${formatBytes(s.totalSelfSize)}`,
    "",
    renderTextTable(["constructor", "count", "self", "retained"], rows, [false, true, true, true]),
  ].join("\n");
}

/** snapshot · analyze · leaks · diff: the heap-snapshot side of `perfscope mem`. */
export async function runMemHeapCommand(sub: string, argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  const stop = installStopSignals(io);
  try {
    const { args, rest } = splitAtDashes(argv);
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        pid: { type: "string" },
        action: { type: "string" },
        load: { type: "string" },
        requests: { type: "string" },
        connections: { type: "string", short: "c" },
        repeat: { type: "string" },
        startup: { type: "string" },
        top: { type: "string" },
        ...MEM_OUTPUT_OPTIONS,
      },
    });
    if (values.help) {
      writeLine(io.stdout, MEM_HELP);
      return ExitCode.ok;
    }
    json = Boolean(values.json);
    const progress = createProgressPrinter(io, Boolean(values.quiet) || json);
    const limit = parsePositive(values.top, "top") ?? 20;

    if (sub === "analyze") {
      if (positionals.length !== 1) throw usageError("mem analyze needs one .heapsnapshot file");
      const graph = await parseHeapSnapshotFile(positionals[0]!, { signal: stop.signal, onProgress: (done, total) => progress.update(`parsing ${((100 * done) / total).toFixed(0)}%`) });
      progress.done();
      const summary = summarizeHeap(graph, { limit });
      writeLine(io.stdout, json ? renderJson(summary) : renderHeapSummary(positionals[0]!, summary));
      return ExitCode.ok;
    }

    if (sub === "diff") {
      if (positionals.length !== 3) throw usageError("mem diff needs three snapshots: <baseline> <after the action> <after repeating it>");
      const graphs = [];
      for (const file of positionals) {
        progress.update(`parsing ${file}`);
        graphs.push(await parseHeapSnapshotFile(file, { signal: stop.signal }));
      }
      progress.done();
      const candidates = findLeakCandidates(graphs[0]!, graphs[1]!, graphs[2]!, { limit });
      writeLine(io.stdout, json ? renderJson(candidates) : describeLeakCandidates(candidates));
      // Survivors are candidates for a person to judge (a cache may rightly keep them), not a verdict.
      return ExitCode.ok;
    }

    if (sub === "snapshot") {
      const target = parseMemTarget(values, rest);
      if (!target || Array.isArray(target) || !("pid" in target)) throw usageError("mem snapshot needs --pid N of a running Node process");
      const out = await createRunOutput("heap", values.out ? { out: values.out } : {});
      await mkdir(out.dir, { recursive: true });
      const file = join(out.dir, `pid-${target.pid}.heapsnapshot`);
      const session = await openV8MemorySession(target.pid, { signal: stop.signal });
      try {
        await takeHeapSnapshot(session.cdp, file, { signal: stop.signal, onProgress: (p) => progress.update(`snapshot: ${p.phase} ${p.done}${p.total ? `/${p.total}` : ""}`) });
      } finally {
        await session.close();
      }
      progress.update("parsing the snapshot");
      const summary = summarizeHeap(await parseHeapSnapshotFile(file), { limit });
      progress.done();
      await writeFile(out.file("heap-summary.json"), JSON.stringify(summary, null, 2));
      writeLine(io.stdout, json ? renderJson({ file, summary }) : `${renderHeapSummary(file, summary)}\n\nSaved: ${file}`);
      return ExitCode.ok;
    }

    // leaks
    const target = parseMemTarget(values, rest);
    if (!target || (!Array.isArray(target) && !("pid" in target))) throw usageError("mem leaks needs --pid N or a command after --");
    if (!values.action && !values.load) throw usageError("mem leaks needs --action \"<command>\" or --load <url>: the code path to repeat between snapshots");
    const action = values.action ?? {
      load: { target: values.load!, concurrency: parsePositive(values.connections ?? "10", "connections")!, maxRequests: parsePositive(values.requests ?? "1000", "requests")! },
    };
    const result = await findLeaks({
      target: Array.isArray(target) ? target : target.pid,
      action,
      ...(values.repeat ? { repeat: parsePositive(values.repeat, "repeat")! } : {}),
      ...(values.startup ? { startupMs: parsePositive(values.startup, "startup")! } : {}),
      ...(values.out ? { out: values.out } : {}),
      signal: stop.signal,
      onProgress: (step) => progress.update(`mem leaks · ${step}`),
    });
    progress.done();
    writeLine(io.stdout, json ? renderJson({ candidates: result.candidates, files: result.files }) : `${result.summary}\n\nSaved: ${result.files.result}`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, json);
  } finally {
    stop.dispose();
  }
}
