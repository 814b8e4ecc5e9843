import { readFileSync } from "node:fs";
import { PerfError, type ErrorLocation } from "../../core/errors.js";

export interface PerfFailureContext {
  /** perf's stderr (its own lines). */
  stderr: string;
  exitCode: number | null;
  pid?: number;
  command?: string[];
  dataFile: string;
}

function readParanoid(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/perf_event_paranoid", "utf8").trim();
  } catch {
    return null;
  }
}

function excerpt(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(0, 3).join(" / ").slice(0, 400) || "(no message)";
}

/** Turns a failed `perf record` into a PerfError that says what happened and what to do. */
export function classifyPerfRecordFailure(ctx: PerfFailureContext): PerfError {
  const { stderr, pid, command } = ctx;
  const where: ErrorLocation = pid !== undefined ? { pid } : command?.[0] ? { file: command[0] } : {};
  const target = pid !== undefined ? `pid ${pid}` : (command ?? []).join(" ");

  if (/perf_event_paranoid|Access to performance monitoring and observability operations is limited|No permission to enable|Permission denied|Operation not permitted/i.test(stderr)) {
    if (/perf\.data.*Permission denied|failed to open .*perf\.data/i.test(stderr)) {
      return new PerfError("PERMISSION_DENIED", `perf may not write its data file ${ctx.dataFile}`, {
        where: { file: ctx.dataFile },
        hint: "choose an output folder the user running perf can write to",
      });
    }
    const paranoid = readParanoid();
    const level = paranoid !== null ? ` (kernel.perf_event_paranoid is ${paranoid})` : "";
    const forPid = pid !== undefined ? `pid ${pid} likely belongs to another user or ` : "";
    return new PerfError("PERMISSION_DENIED", `perf was not allowed to profile ${target}${level}: ${excerpt(stderr)}`, {
      where,
      hint: `${forPid}the kernel restricts perf for unprivileged users: run \`sudo sysctl -w kernel.perf_event_paranoid=1\` (or -1 to also allow kernel and CPU-wide events), run perfscope as root or as the target's owner, or grant CAP_PERFMON`,
    });
  }
  const workloadMissing = /Failed to collect .* for the '(.*)' workload: No such file or directory/.exec(stderr);
  if (workloadMissing) {
    return new PerfError("TARGET_NOT_FOUND", `command not found: ${workloadMissing[1]}`, {
      where: { file: workloadMissing[1] },
      hint: "check the command name or give its full path",
    });
  }
  if (/No such process|Couldn't create thread\/CPU maps/i.test(stderr)) {
    return new PerfError("TARGET_NOT_FOUND", `perf found no process ${target}`, { where, hint: "the process may have exited; check the pid with ps" });
  }
  if (/No such device|not supported|ENODEV|sys_perf_event_open\(\) syscall returned/i.test(stderr)) {
    return new PerfError("ATTACH_FAILED", `the kernel refused perf events: ${excerpt(stderr)}`, {
      where,
      hint: "inside a container perf needs the perf_event_open syscall allowed (e.g. docker --cap-add PERFMON or a seccomp profile that permits it); in a VM, software events (cpu-clock) should still work",
    });
  }
  return new PerfError("INTERNAL", `perf record failed (exit code ${ctx.exitCode ?? "none"}): ${excerpt(stderr)}`, {
    where,
    hint: "run the same perf record by hand to see its full message",
  });
}

/** perf's own status lines on stderr, not the workload's output. */
export function isPerfStatusLine(line: string): boolean {
  return /^\[ perf record: /.test(line) || /^Warning:$/.test(line) || /^\s*Processed \d+ events and lost \d+ chunks!/.test(line);
}

/** Sample count from perf record's final "[ perf record: Captured and wrote ... (N samples) ]". */
export function parseRecordedSamples(stderr: string): number | null {
  const m = /Captured and wrote [\d.]+ \w+ .*\((\d+) samples\)/.exec(stderr);
  return m?.[1] ? Number(m[1]) : null;
}
