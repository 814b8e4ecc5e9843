// Calls readProcMemory on the pid given as argument and prints the result (or the error) as
// JSON. The permission test runs this as user nobody against a process owned by root.
import { readProcMemory } from "../proc-memory.js";

const pid = Number(process.argv[2]);
const notes: string[] = [];
try {
  const memory = readProcMemory(pid, notes);
  console.log(JSON.stringify({ memory, notes }));
} catch (error) {
  const e = error as { code?: string; message?: string; hint?: string; where?: unknown };
  console.log(JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint, where: e.where } }));
}
