/**
 * The whole program for one stack: validate all config first (so bad input registers
 * nothing), then hand typed config to the components. Returns the stack outputs.
 */
import * as github from "@pulumi/github";
import * as k8s from "@pulumi/kubernetes";
import { RawConfig } from "./config/keys";
import { loadStackConfig } from "./config/schema";
import { PythonPackageRelease } from "./release/python-package-release";

export async function runProgram(stack: string, raw: RawConfig): Promise<Record<string, unknown>> {
  const config = loadStackConfig(raw);

  const provider = new k8s.Provider(`${stack}-k8s`, {});
  new k8s.core.v1.Namespace(
    config.namespace,
    { metadata: { name: config.namespace } },
    { provider },
  );

  // Release workflows: one generated workflow per package, committed into its repository.
  // Whatever must exist before a workflow lands (the pypi environment, tag rulesets) goes
  // into workflowDependsOn.
  const githubProvider = new github.Provider(`${stack}-github`, { owner: config.githubOwner });
  for (const pkg of config.packages) {
    new PythonPackageRelease(
      pkg.name,
      {
        package: pkg,
        owner: config.githubOwner,
        commitAuthor: config.workflowCommitAuthor,
        commitEmail: config.workflowCommitEmail,
        workflowDependsOn: [],
      },
      { providers: { github: githubProvider } },
    );
  }

  return {
    backendVersion: config.backendVersion,
  };
}
