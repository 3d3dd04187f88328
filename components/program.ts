/**
 * The whole program for one stack: validate all config first (so bad input registers
 * nothing), then hand typed config to the components. Returns the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import { RawConfig } from "./config/keys";
import { loadStackConfig } from "./config/schema";

export async function runProgram(stack: string, raw: RawConfig): Promise<Record<string, unknown>> {
  const config = loadStackConfig(raw);

  const provider = new k8s.Provider(`${stack}-k8s`, {});
  new k8s.core.v1.Namespace(
    config.namespace,
    { metadata: { name: config.namespace } },
    { provider },
  );

  return {
    backendVersion: config.backendVersion,
  };
}
