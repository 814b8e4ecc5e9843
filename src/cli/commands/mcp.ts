import { parseArgs } from "node:util";
import { ExitCode } from "../../core/errors.js";
import { serveMcpStdio } from "../../mcp/server.js";
import { reportError, writeLine, type CliIo } from "../io.js";

export const MCP_HELP = `perfscope mcp — serve perfscope to AI agents over the Model Context Protocol (stdio)

Usage:
  perfscope mcp [--root <dir>]

Tools: profile, analyze_profile, load_test, find_breaking_point. Each returns a short summary,
structured results, and links to the full artifacts written under <dir>/.perfscope/runs/.

Options:
  --root <dir>   folder for run artifacts (default: the current directory)
  -h, --help     this help

Example client configuration (Claude Desktop, Cursor, ...):
  { "mcpServers": { "perfscope": { "command": "npx", "args": ["perfscope", "mcp"] } } }`;

export async function runMcpCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, options: { root: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      writeLine(io.stdout, MCP_HELP);
      return ExitCode.ok;
    }
    await serveMcpStdio(values.root !== undefined ? { root: values.root } : {});
    return ExitCode.ok;
  } catch (error) {
    return reportError(io, error, false);
  }
}
