// A program with a leak, for the heap snapshot tests. Each SIGUSR2 runs one "action": it
// keeps N LeakedThing objects forever in a global array (the leak) and makes N
// TransientGarbage objects that are dropped at once (garbage that must not be reported).
// Prints "ready" once, then "action <k> done" after each action.
//   node --inspect=127.0.0.1:0 leaky.mjs [N=1000]
import { setImmediate } from "node:timers";

const perAction = Number(process.argv[2] ?? 1000);

class LeakedThing {
  constructor(round, i) {
    this.round = round;
    this.index = i;
    this.label = `leaked-${round}-${i}`;
    this.data = new Array(8).fill(i);
  }
}

class TransientGarbage {
  constructor(i) {
    this.i = i;
    this.text = `garbage-${i}`;
  }
}

globalThis.leakyCache = [];
let round = 0;

function runAction() {
  round++;
  for (let i = 0; i < perAction; i++) globalThis.leakyCache.push(new LeakedThing(round, i));
  const dropped = makeGarbage();
  // Announce only after this function has returned: the inspector can take a snapshot at
  // any interrupt point, and one taken while a frame still holds the garbage would see it live.
  const done = round;
  setImmediate(() => process.stdout.write(`action ${done} done (${dropped} transient objects dropped)\n`));
}

function makeGarbage() {
  const scratch = [];
  for (let i = 0; i < perAction; i++) scratch.push(new TransientGarbage(i));
  return scratch.length;
}

process.on("SIGUSR2", runAction);
// Keep the event loop alive until the test kills us.
setInterval(() => {}, 1 << 30);
process.stdout.write("ready\n");
