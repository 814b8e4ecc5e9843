/**
 * The broker: library calls a sandboxed script may not make itself (processes, network,
 * files outside its workspace) are sent to the parent, checked against the server's
 * policy, and run here. Adding one is one entry in a BROKERED_CALLS group
 * (broker-profile.ts, broker-load.ts, broker-bench.ts, broker-memory.ts, broker-rum.ts).
 */
import { PerfError, isPerfError } from "../../core/errors.js";
import { BENCH_CALLS } from "./broker-bench.js";
import { LOAD_CALLS } from "./broker-load.js";
import { MEMORY_CALLS } from "./broker-memory.js";
import { PROFILE_CALLS } from "./broker-profile.js";
import { RUM_CALLS } from "./broker-rum.js";
import { denyCall } from "./policy.js";
import type { BrokeredCall, BrokerContext } from "./broker-types.js";
import type { ParentMessage } from "./types.js";

export type { BrokeredCall, BrokerContext } from "./broker-types.js";

export const BROKERED_CALLS: readonly BrokeredCall[] = [...LOAD_CALLS, ...PROFILE_CALLS, ...BENCH_CALLS, ...MEMORY_CALLS, ...RUM_CALLS];

const MAX_DENIALS = 20;
const MAX_DENIAL_CHARS = 300;

/** Keeps the first refusals, each cut short: the script chooses their text and their number. */
function recordDenial(denials: string[], text: string): void {
  if (denials.length < MAX_DENIALS) denials.push(text.length > MAX_DENIAL_CHARS ? `${text.slice(0, MAX_DENIAL_CHARS)}…` : text);
  else if (denials.length === MAX_DENIALS) denials.push(`(further refusals not listed)`);
}

/** Runs one call message from the child; refusals are recorded in `denials`. */
export async function dispatchBrokeredCall(message: { id: number; fn: string; args: unknown[] }, ctx: BrokerContext, denials: string[]): Promise<ParentMessage> {
  const call = BROKERED_CALLS.find((c) => c.name === message.fn);
  try {
    if (!call) throw denyCall(`unknown brokered function ${JSON.stringify(message.fn)}`, `Brokered: ${BROKERED_CALLS.map((c) => c.name).join(", ")}.`);
    await call.check(ctx.policy, message.args, ctx);
    const value = await call.run(message.args, ctx);
    return { t: "result", id: message.id, value: JSON.parse(JSON.stringify(value ?? null)) as unknown };
  } catch (e) {
    const error = isPerfError(e) ? e : new PerfError("INTERNAL", e instanceof Error ? e.message : String(e));
    const denied = error.code === "PERMISSION_DENIED";
    if (denied) recordDenial(denials, `${message.fn}: ${error.message}`);
    return { t: "fail", id: message.id, error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), denied } };
  }
}
