export { exportToCollapsed, foldProfileStacks, formatCollapsedFrame } from "./collapsed.js";
export { exportToCpuProfile, type CpuProfileJson } from "./cpuprofile.js";
export { exportToPerfScript } from "./perf-script.js";
export { exportToPerfscopeJson } from "./perfscope-json.js";
