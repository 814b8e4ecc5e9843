import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { CdpClient } from "../../../profile/collect/cdp-client.js";

export interface InspectedNode {
  child: ChildProcessWithoutNullStreams;
  cdp: CdpClient;
  /** Resolves when the program prints a line matching `pattern` (lines seen earlier count too). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `node --inspect=127.0.0.1:0 <program> <args>`, reads the WebSocket URL that Node
 * prints on stderr, and connects a CdpClient to it: a real target for snapshot tests.
 */
export async function startInspectedNode(program: string, args: string[] = [], nodeArgs: string[] = []): Promise<InspectedNode> {
  const child = spawn(process.execPath, [...nodeArgs, "--inspect=127.0.0.1:0", program, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let stdoutRest = "";
  child.stdout.on("data", (data: Buffer) => {
    const parts = (stdoutRest + data.toString("utf8")).split("\n");
    stdoutRest = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.pattern.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no inspector URL from ${program}: ${stderr}`)), 10_000);
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString("utf8");
      const match = /ws:\/\/\S+/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once("exit", (code) => reject(new Error(`${program} exited with ${code}: ${stderr}`)));
  });
  const cdp = await CdpClient.connect(url);
  const waitForLine = (pattern: RegExp, timeoutMs = 20_000): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} from ${program}`)), timeoutMs);
      waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  };
  const stop = async (): Promise<void> => {
    await cdp.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  };
  return { child, cdp, waitForLine, stop };
}
