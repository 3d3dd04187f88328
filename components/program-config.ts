/** Every `smartem:` stack-config key, assembled from the modules that own them. */
import { backendConfig } from "./backend/config";
import { backendConfigProblems } from "./backend/settings";
import { deliveryConfig, deliveryProblems } from "./delivery/config";
import { githubConfig } from "./github/config";
import { releaseConfig } from "./release/config";
import { releaseGateConfig, releaseGateProblems } from "./release/gate-config";
import { CONFIG_NAMESPACE, ConfigSchema, ConfigValues, RawConfig, parseConfig } from "./config/keys";

export const configSchema = {
  ...githubConfig,
  ...releaseConfig,
  ...releaseGateConfig,
  ...deliveryConfig,
  ...backendConfig,
} as const;

export type StackConfig = ConfigValues<typeof configSchema>;

/**
 * Reads and validates the whole `smartem:` config: every key by its schema, then the rules
 * across keys; throws a ConfigError naming every bad key.
 */
export function loadStackConfig(raw: RawConfig, secretKeys?: ReadonlySet<string>): StackConfig {
  return parseConfig(configSchema, raw, secretKeys, (config) => [...releaseGateProblems(config), ...deliveryProblems(config), ...backendConfigProblems(config)]);
}

/** What is allowed for a fully qualified key of this program, and whether it is secret (undefined: not ours). */
export function describeKey(fullKey: string): { readonly allowed: string; readonly secret: boolean } | undefined {
  const prefix = `${CONFIG_NAMESPACE}:`;
  if (!fullKey.startsWith(prefix)) return undefined;
  const spec = (configSchema as ConfigSchema)[fullKey.slice(prefix.length)];
  return spec && Object.hasOwn(configSchema, fullKey.slice(prefix.length)) ? { allowed: spec.allowed, secret: spec.secret === true } : undefined;
}
