import type { Profile } from "../model.js";

/** The profile as perfscope's own JSON format (the model itself, `version: 1`). */
export function exportToPerfscopeJson(profile: Profile, options: { pretty?: boolean } = {}): string {
  return JSON.stringify(profile, null, options.pretty ? 2 : undefined);
}
