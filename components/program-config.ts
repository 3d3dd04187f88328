/** Every `smartem:` stack-config key, assembled from the modules that own them. */
import { backendConfig } from "./backend/config";
import { deliveryConfig } from "./delivery/config";
import { githubConfig } from "./github/config";
import { releaseConfig } from "./release/config";
import { releaseGateConfig } from "./release/gate-config";
import { ConfigValues, RawConfig, parseConfig } from "./config/keys";

export const configSchema = {
  ...githubConfig,
  ...releaseConfig,
  ...releaseGateConfig,
  ...deliveryConfig,
  ...backendConfig,
} as const;

export type StackConfig = ConfigValues<typeof configSchema>;

/** Reads and validates the whole `smartem:` config; throws a ConfigError naming every bad key. */
export function loadStackConfig(raw: RawConfig, secretKeys?: ReadonlySet<string>): StackConfig {
  return parseConfig(configSchema, raw, secretKeys);
}
