/** Every `smartem:` stack-config key, assembled from the modules that own them, and the one parse of them all. */
import { BackingServicesConfig, backendConfig, refineBackendConfig } from "./backend/config";
import { DeliveryConfig, deliveryConfig, refineDeliveryConfig } from "./delivery/config";
import { githubConfig } from "./github/config";
import { releaseConfig } from "./release/config";
import { GithubManagementConfig, refineReleaseGateConfig, releaseGateConfig } from "./release/gate-config";
import { ConfigSchema, ConfigValues, RawConfig, Refined, configKeys, keyName, parseConfig, problemsOf } from "./config/keys";

export const configSchema = {
  ...githubConfig,
  ...releaseConfig,
  ...releaseGateConfig,
  ...deliveryConfig,
  ...backendConfig,
} as const;

/** Every fully qualified key by name: `KEY.backendVersion` is `smartem:backendVersion`. */
export const KEY = configKeys(configSchema);

/** The values of every key, as parsed key by key. */
export type StackValues = ConfigValues<typeof configSchema>;

/** A stack's config once the rules across keys hold: what the program runs on. */
export type StackConfig = StackValues & GithubManagementConfig & DeliveryConfig & BackingServicesConfig;

/** The one final step of the parse: every rule across keys, and the typed view they make true. */
function refineStackConfig(values: StackValues): Refined<StackConfig> {
  // Each step narrows what the one before returned; on a problem, the later steps still report theirs.
  const github = refineReleaseGateConfig(values);
  if ("problems" in github)
    return {
      problems: [...github.problems, ...problemsOf(refineDeliveryConfig(values)), ...problemsOf(refineBackendConfig(values))],
    };
  const delivery = refineDeliveryConfig(github.config);
  if ("problems" in delivery) return { problems: [...delivery.problems, ...problemsOf(refineBackendConfig(values))] };
  return refineBackendConfig(delivery.config);
}

/**
 * Reads and validates the whole `smartem:` config: every key by its schema, then the rules
 * across keys; throws a ConfigError naming every bad key.
 */
export function loadStackConfig(raw: RawConfig, secretKeys?: ReadonlySet<string>): StackConfig {
  return parseConfig(configSchema, raw, secretKeys, refineStackConfig);
}

/** What is allowed for a fully qualified key of this program, and whether it is secret (undefined: not ours). */
export function describeKey(fullKey: string): { readonly allowed: string; readonly secret: boolean } | undefined {
  const name = keyName(fullKey);
  if (name === undefined || !Object.hasOwn(configSchema, name)) return undefined;
  const spec = (configSchema as ConfigSchema)[name]!;
  return { allowed: spec.allowed, secret: spec.secret === true };
}
