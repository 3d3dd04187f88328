/**
 * Pulumi entry point. `pulumi preview/up` and the offline engine
 * (tools/engine/evaluate.ts) both call the exported function.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ConfigError } from "./components/config/keys";
import { LiveRun, runProgram } from "./components/program";
import { ProgramHost, pulumiEngineHost } from "./components/program-host";

/** `isConfigSecret` is the SDK's own check (not in its typings): was the key set with --secret? */
const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret(key: string): boolean };

/**
 * Under the real engine the program checks this machine against the stack (provider variables,
 * the kubeconfig, live GitHub state); under the offline engine (mocks) it sees the stack alone.
 */
function liveRun(): LiveRun | undefined {
  if (pulumi.runtime.getMonitor() instanceof MockMonitor) return undefined;
  return { env: process.env, readFile: (file) => fs.readFileSync(file, "utf8") };
}

/** `pulumi preview`/`up` call this with no argument; the offline engine passes its host (project folder, warnings). */
export = async (host: ProgramHost = pulumiEngineHost()): Promise<Record<string, unknown>> => {
  const config = pulumi.runtime.allConfig();
  const secretKeys = new Set(Object.keys(config).filter((key) => runtime.isConfigSecret(key)));
  const live = liveRun();
  try {
    return await runProgram(pulumi.getStack(), config, secretKeys, live, host);
  } catch (error) {
    // The Pulumi CLI prints a RunError's message alone; any other error with its JavaScript
    // stack trace, which says nothing to someone who mistyped a config value. (The offline
    // tools catch the ConfigError itself.)
    if (live && error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
};
