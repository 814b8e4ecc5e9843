import { stat } from "node:fs/promises";
import { spawn } from "node:child_process";
import { PerfError } from "../../core/errors.js";
import { AGGREGATE_PERF_SCRIPT_ABOVE_BYTES, PERF_ANALYSIS_WEIGHTING } from "../import/index.js";
import { importFromPerfScriptStream } from "../import/perf-script.js";
import type { Profile } from "../model.js";

/**
 * Streams `perf script -i <data>` into the perf-script importer; the text never touches the
 * disk. perf resolves JIT frames from /tmp/perf-<pid>.map here, so maps must still exist.
 */
export async function convertPerfData(perfArgv: string[], dataFile: string, onBytes?: (bytes: number) => void): Promise<Profile> {
  const size = (await stat(dataFile)).size;
  const child = spawn(perfArgv[0]!, [...perfArgv.slice(1), "script", "-i", dataFile], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    if (stderr.length < 16_384) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  let profile: Profile;
  try {
    profile = await importFromPerfScriptStream(child.stdout, {
      fileName: dataFile,
      weighting: PERF_ANALYSIS_WEIGHTING,
      // A perf.data this large gives a far larger text: aggregate per call path.
      aggregate: size > AGGREGATE_PERF_SCRIPT_ABOVE_BYTES,
      ...(onBytes ? { onProgress: onBytes } : {}),
    });
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const { code, error } = await exited;
  if (error || code !== 0) {
    throw new PerfError("INTERNAL", `perf script failed on ${dataFile} (${error ? error.message : `exit code ${code}`}): ${stderr.trim().slice(0, 400)}`, {
      where: { file: dataFile },
      hint: `the recording is kept; run \`perf script -i ${dataFile}\` by hand to see the problem`,
      partialFiles: [dataFile],
    });
  }
  return profile;
}
