/** Kept in step with package.json by the release step; read at runtime without JSON imports. */
export const PERFSCOPE_VERSION = "0.1.0";
