/**
 * The whole program for one stack: validate all config first (so bad input registers
 * nothing), then hand typed config to the components. Returns the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import { ConfigError, RawConfig } from "./config/keys";
import { loadStackConfig } from "./config/schema";
import { gitHubProvider } from "./github/provider";
import { releaseGateProblems } from "./release/gate-config";
import { LegacyTagProtection, ReleaseGate, releaseGatePlan } from "./release/release-gate";
import { legacyTagsRuleset } from "./release/tag-rules";
import { PythonPackageRelease } from "./release/python-package-release";
import { trustedPublishers } from "./release/trusted-publisher";
import { releasePlan } from "./workflows/release-workflow";

export async function runProgram(stack: string, raw: RawConfig): Promise<Record<string, unknown>> {
  const config = loadStackConfig(raw);
  const problems = releaseGateProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);

  // Every GitHub resource as data first: a bad value registers nothing.
  const gatePlans = config.packages.map((pkg) => ({
    pkg,
    plan: releaseGatePlan(pkg, {
      reviewers: config.pypiReviewers,
      stableTagCreators: config.stableTagCreators,
      waitTimer: config.pypiWaitTimer,
    }),
  }));
  const releasePlans = config.packages.map(releasePlan);
  const legacyRulesets = Object.entries(config.legacyReleaseTags).map(([repository, patterns]) =>
    legacyTagsRuleset(repository, patterns),
  );

  // GitHub: one explicit provider for every GitHub resource.
  const github = gitHubProvider(`${stack}-github`, config.githubOwner);

  // Release gate, registered BEFORE the release workflows: a workflow naming a missing
  // environment makes GitHub create it unprotected. `gates.get(name).gate` is the
  // dependsOn of that package's workflow file.
  const gates = new Map<string, ReleaseGate>();
  for (const { pkg, plan } of gatePlans) {
    gates.set(pkg.name, new ReleaseGate(pkg.name, { plan, provider: github }));
  }
  for (const ruleset of legacyRulesets) {
    new LegacyTagProtection(`${ruleset.repository}-legacy-tags`, { ruleset, provider: github });
  }

  const provider = new k8s.Provider(`${stack}-k8s`, {});
  new k8s.core.v1.Namespace(
    config.namespace,
    { metadata: { name: config.namespace } },
    { provider },
  );

  // Release workflows: one generated workflow per package, committed into its repository
  // only after the package's release gate (tag rulesets, pypi environment) exists.
  for (const plan of releasePlans) {
    new PythonPackageRelease(
      plan.pkg.name,
      {
        plan,
        owner: config.githubOwner,
        commitAuthor: config.workflowCommitAuthor,
        commitEmail: config.workflowCommitEmail,
        workflowDependsOn: [...(gates.get(plan.pkg.name)?.gate ?? [])],
      },
      { providers: { github } },
    );
  }

  return {
    backendVersion: config.backendVersion,
    trustedPublisher: trustedPublishers(config.packages, config.githubOwner),
  };
}
