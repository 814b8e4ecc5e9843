import { bench } from "perfscope";

bench("spins forever", () => {
  for (;;) {
    // Never returns: the runner must kill the process.
  }
});
