/**
 * The whole program for one stack: validate all config first (so bad input registers
 * nothing), then hand typed config to the components. Returns the stack outputs.
 */
import { Backend } from "./backend/backend";
import { BACKEND_VERSION_OUTPUT, guardBackendVersion } from "./backend/deployed-version";
import { backendSettings } from "./backend/settings";
import { RawConfig } from "./config/keys";
import { loadStackConfig } from "./config/schema";

export async function runProgram(stack: string, raw: RawConfig): Promise<Record<string, unknown>> {
  const config = loadStackConfig(raw);
  const settings = backendSettings(stack, config);

  // Backend: the upgrade guards read the live versions (stack references) and refuse a
  // version before any other resource is registered; then the backend itself.
  await guardBackendVersion(stack, config);
  new Backend("smartem", { settings, ...(config.kubeContext !== undefined ? { kubeContext: config.kubeContext } : {}) });

  return {
    [BACKEND_VERSION_OUTPUT]: config.backendVersion,
  };
}
