/**
 * Pulumi entry point. `pulumi preview/up` and the offline engine
 * (tools/engine/evaluate.ts) both call the exported function.
 */
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./components/program";
import { ProgramHost, pulumiEngineHost } from "./components/program-host";

/** `isConfigSecret` is the SDK's own check (not in its typings): was the key set with --secret? */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };

/** `pulumi preview`/`up` call this with no argument (the engine); the offline engine passes its host. */
export = async (host: ProgramHost = pulumiEngineHost()): Promise<Record<string, unknown>> => {
  const config = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(config).filter((key) => runtime.isConfigSecret(key)));
  return runProgram(pulumi.getStack(), config, secretKeys, host);
};
