/**
 * The whole program for one stack, in the order that keeps bad input harmless:
 * 1. validate all config (every key, then the rules across keys) and build every GitHub
 *    resource as data: a mistake here registers nothing;
 * 2. run the backend's upgrade guards, whose facts are stack references (reads);
 * 3. register the GitHub side (release gates before the workflow files that name them),
 *    then the backend.
 * Returns the stack outputs.
 */
import { BACKEND_RESOURCE_NAME, Backend } from "./backend/backend";
import { BACKEND_VERSION_OUTPUT, MIGRATED_VERSION_OUTPUT, guardBackendVersion, isBelowMigratedSchema, schemaVersion } from "./backend/deployed-version";
import { backendSettings } from "./backend/settings";
import { ConfigError, RawConfig } from "./config/keys";
import { StackConfig, loadStackConfig } from "./program-config";
import { gitHubProvider } from "./github/provider";
import { releaseGateProblems } from "./release/gate-config";
import { LegacyTagProtection, ReleaseGate, ReleaseGatePlan, releaseGatePlan } from "./release/release-gate";
import { PythonPackageRelease } from "./release/python-package-release";
import { TagRuleset, legacyTagsRuleset } from "./release/tag-rules";
import { trustedPublishers } from "./release/trusted-publisher";
import { ReleasePlan, releasePlan } from "./release/release-workflow";

export async function runProgram(stack: string, raw: RawConfig, secretKeys?: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const config = loadStackConfig(raw, secretKeys);
  const problems = releaseGateProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const settings = backendSettings(stack, config);
  // GitHub: exactly one stack owns each repository's workflows, rulesets and environment.
  const githubPlan = config.manageGithub ? planGithub(config) : undefined;

  const facts = await guardBackendVersion(stack, config);

  const github = githubPlan ? convergeGithub(stack, config, githubPlan) : undefined;
  const skipMigration = isBelowMigratedSchema(facts);
  const backend = new Backend(BACKEND_RESOURCE_NAME, {
    settings,
    migrate: !skipMigration,
    ...(config.kubeContext !== undefined ? { kubeContext: config.kubeContext } : {}),
  });

  return {
    // Resolves only once both Deployments rolled out: a failed rollout leaves the previous
    // value in the stack outputs, which the guards of this stack and of production read.
    [BACKEND_VERSION_OUTPUT]: backend.rolledOutVersion,
    // The schema's version: this version once its migration completed; kept across a rollback,
    // which runs no migration. Written only by a successful update, like every output: a
    // migration whose rollout failed is known from the checkpoint (migration-history.ts).
    [MIGRATED_VERSION_OUTPUT]: skipMigration ? schemaVersion(facts) : backend.migratedVersion,
    ...(github ? { trustedPublisher: github.trustedPublisher } : {}),
  };
}

interface GithubPlan {
  readonly gates: ReadonlyArray<{ readonly name: string; readonly plan: ReleaseGatePlan }>;
  readonly legacyRulesets: readonly TagRuleset[];
  readonly releases: readonly ReleasePlan[];
}

/** Every GitHub resource as data (pure): a bad value throws before anything is registered. */
function planGithub(config: StackConfig): GithubPlan {
  const reviewers = config.pypiReviewers;
  // releaseGateProblems has refused a GitHub-managing stack without reviewers.
  if (!reviewers) throw new Error("smartem:pypiReviewers is required where smartem:manageGithub is true");
  return {
    gates: config.packages.map((pkg) => ({
      name: pkg.name,
      plan: releaseGatePlan(pkg, { reviewers, stableTagCreators: config.stableTagCreators, waitTimer: config.pypiWaitTimer }),
    })),
    legacyRulesets: Object.entries(config.legacyReleaseTags).map(([repository, patterns]) => legacyTagsRuleset(repository, patterns)),
    releases: config.packages.map(releasePlan),
  };
}

/** The GitHub side: release gates first, then the workflow files that need them. */
function convergeGithub(stack: string, config: StackConfig, plan: GithubPlan): { trustedPublisher: ReturnType<typeof trustedPublishers> } {
  // One explicit provider for every GitHub resource.
  const github = gitHubProvider(`${stack}-github`, config.githubOwner);

  // Release gates BEFORE the release workflows: a workflow naming a missing environment
  // makes GitHub create it unprotected. A gate's `gate` is its workflow file's dependsOn.
  const gates = new Map(plan.gates.map(({ name, plan: gatePlan }) => [name, new ReleaseGate(name, { plan: gatePlan, provider: github })]));
  for (const ruleset of plan.legacyRulesets) {
    new LegacyTagProtection(`${ruleset.repository}-legacy-tags`, { ruleset, provider: github });
  }

  for (const release of plan.releases) {
    new PythonPackageRelease(
      release.pkg.name,
      {
        plan: release,
        owner: config.githubOwner,
        commitAuthor: config.workflowCommitAuthor,
        commitEmail: config.workflowCommitEmail,
        workflowDependsOn: [...(gates.get(release.pkg.name)?.gate ?? [])],
      },
      { providers: { github } },
    );
  }

  return { trustedPublisher: trustedPublishers(config.packages, config.githubOwner) };
}
