import { bench } from "perfscope";

bench("same name", () => 1); // FIRST-MARKER
bench("same name", () => 2); // SECOND-MARKER
