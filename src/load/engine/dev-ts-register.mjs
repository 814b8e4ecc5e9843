// Development only: registers dev-ts-hooks.mjs in a worker started from the TypeScript sources.
import { register } from "node:module";
register("./dev-ts-hooks.mjs", import.meta.url);
