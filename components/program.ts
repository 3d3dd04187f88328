/**
 * The whole program for one stack, in the order that keeps bad input harmless:
 * 1. validate all config (every key, then the rules across keys) and build every GitHub
 *    resource as data: a mistake here registers nothing;
 * 2. run the backend's upgrade guards, whose facts are stack references (reads);
 * 3. register the GitHub side (release gates before the workflow files that name them),
 *    then the backend.
 * Under the real engine (`live`), the environment of the run is checked against the stack
 * before step 3 (GitHub provider variables, the kubeconfig, the live PyPI environment).
 * Returns the stack outputs.
 */
import type * as github from "@pulumi/github";
import { Backend } from "./backend/backend";
import { BACKEND_RESOURCE_NAME } from "./backend/names";
import { guardBackendVersion, isBelowMigratedSchema, migratedEarlier, schemaVersion } from "./backend/deployed-version";
import { BACKEND_VERSION_OUTPUT, MIGRATED_VERSION_OUTPUT } from "./backend/outputs";
import { promotionOverrideWarning } from "./backend/guards";
import { PROMOTION_EVIDENCE_OUTPUT } from "./backend/promotion-evidence";
import { TEST_CLOCK_ENV, runClock } from "./backend/run-clock";
import { backendSettings } from "./backend/settings";
import { ConfigError, RawConfig, SECRET_MARKER, formatProblem, parseKeys } from "./config/keys";
import { StackFileConfig, locatingProblems, readStackFileIn, stacksIn } from "./config/stack-file";
import { GithubOwnership, repositoryOwnershipProblems } from "./github/ownership";
import { placeholderProblems } from "./placeholders";
import { ProgramHost, pulumiEngineHost } from "./program-host";
import { StackConfig, configSchema, describeKey, loadStackConfig } from "./program-config";
import { KubernetesCluster, clusterNameProblems, readKubeconfig } from "./backend/kubernetes-provider";
import { Environment, GITHUB_ENV, gitHubProvider, githubEnvironmentProblems } from "./github/provider";
import { undeclaredPolicyProblems } from "./release/pypi-environment-live";
import { DeliveryEnvironments, deliveryEnvironmentSpecs } from "./delivery/environments";
import type { EnvironmentSpec } from "./release/release-gate";
import { LegacyTagProtection, ReleaseGate, ReleaseGatePlan, releaseGatePlan } from "./release/release-gate";
import { PythonPackageRelease } from "./release/python-package-release";
import { TagRuleset, legacyTagsRuleset } from "./release/tag-rules";
import { TrustedPublisher } from "./release/trusted-publisher";
import { ReleasePlan, releasePlan } from "./release/release-workflow";
import { BumpTrigger, bumpTriggerEnvironment, packageBumpTrigger } from "./release/bump-trigger";

/** What only a run under the real Pulumi engine has; the offline engine passes none. */
export interface LiveRun {
  /** The environment of the `pulumi` process, which the provider plugins inherit. */
  readonly env: Environment;
  /** Reads a file (the kubeconfig). */
  readonly readFile: (file: string) => string;
  /** The home folder (where ~/.kube/config is). */
  readonly home?: string;
  /**
   * This machine's clock, which the promotion guard measures the soak time against
   * (SMARTEM_TEST_NOW may move it in tests against a loopback cluster: run-clock.ts).
   * @default the system clock
   */
  readonly now?: () => Date;
}

/** Offline, the provider gets a secret that stands for the kubeconfig (the render shows "[secret]"). */
const OFFLINE_KUBECONFIG = "";

export async function runProgram(
  stack: string,
  raw: RawConfig,
  secretKeys?: ReadonlySet<string>,
  live?: LiveRun,
  host: ProgramHost = pulumiEngineHost(),
): Promise<Record<string, unknown>> {
  const files = projectStackFiles(stack, host);
  const config = locatingProblems(files.own, raw, () => loadStackConfig(raw, secretKeys));
  const owners = repositoryOwnershipProblems(stack, config, files.others);
  if (owners.length > 0) throw new ConfigError(owners);
  // Under the real engine a placeholder is refused; the offline render runs with it and warns.
  // (A placeholder secret never reaches the program under the CLI: it cannot decrypt it.)
  const placeholders = placeholderProblems(stack, config, live ? [] : (files.own?.placeholderSecrets ?? []));
  if (placeholders.length > 0 && live)
    throw new ConfigError(placeholders, "Placeholders left in the stack file: put the real values there first");
  for (const problem of placeholders) host.warn(`${formatProblem(problem)} (\`pulumi preview\` refuses it)`);
  const settings = backendSettings(stack, config);
  const trigger = bumpTrigger(config);
  const releases = config.packages.map((pkg) => releasePlan(pkg, trigger));
  host.onReleasePlans?.(releases);
  // GitHub: exactly one stack owns each repository's workflows, rulesets and environment.
  const githubPlan = config.manageGithub ? planGithub(config, releases) : undefined;
  const cluster = kubernetesCluster(stack, config, live);
  // Offline there is no "now": the promotion evidence and soak time are left to pulumi preview.
  const now = live && clockOfRun(stack, cluster, live, host.warn);

  const facts = await guardBackendVersion(stack, config, now);
  const overridden = live && promotionOverrideWarning(facts.guards);
  if (overridden) host.warn(overridden);

  const githubProvider =
    githubPlan && (live ? await checkedGithubProvider(stack, config, githubPlan, live) : offlineGithubProvider(stack, config));
  const github = githubPlan && githubProvider ? convergeGithub(config, githubPlan, githubProvider) : undefined;
  const skipMigration = isBelowMigratedSchema(facts);
  const backend = new Backend(BACKEND_RESOURCE_NAME, {
    settings,
    cluster,
    migrate: !skipMigration,
    migratedEarlier: migratedEarlier(facts),
  });

  return {
    // Resolves only once both Deployments rolled out: a failed rollout leaves the previous
    // value in the stack outputs, which the guards of this stack and of production read.
    [BACKEND_VERSION_OUTPUT]: backend.rolledOutVersion,
    // The schema's version: this version once its migration completed; kept across a rollback,
    // which runs no migration. Written only by a successful update, like every output: a
    // migration whose rollout failed is known from the checkpoint (migration-history.ts).
    [MIGRATED_VERSION_OUTPUT]: skipMigration ? schemaVersion(facts) : backend.migratedVersion,
    // What a stack promoting from this one requires (its version, digest, migration, rollout
    // time): like backendVersion, recorded only by an update whose rollout succeeded.
    [PROMOTION_EVIDENCE_OUTPUT]: backend.promotionEvidence,
    ...(github ? { trustedPublisher: github.trustedPublisher } : {}),
  };
}

/** The keys of another stack's file that say which repositories it manages. */
const OWNERSHIP_KEYS = {
  manageGithub: configSchema.manageGithub,
  githubOwner: configSchema.githubOwner,
  packages: configSchema.packages,
};

/** Stack files are read here only for what the engine's config cannot say (how values were written, other stacks). */
const READ = { describe: describeKey, secretText: SECRET_MARKER } as const;

/**
 * This stack's own file, checked as the offline render checks it (so `pulumi preview` refuses
 * the same forms), and what the project's other stack files say about GitHub ownership. Another
 * stack file that cannot be read, or whose ownership keys do not parse, is reported and skipped:
 * it never stops this stack. One whose ownership keys parse counts, whatever its other keys say.
 */
function projectStackFiles(
  stack: string,
  host: ProgramHost,
): { own?: StackFileConfig; others: Array<{ stack: string; config: GithubOwnership }> } {
  const own = readStackFileIn(host.projectDir, stack, READ);
  const others: Array<{ stack: string; config: GithubOwnership }> = [];
  for (const other of stacksIn(host.projectDir)) {
    if (other === stack) continue;
    try {
      const file = readStackFileIn(host.projectDir, other, READ);
      if (file) others.push({ stack: other, config: parseKeys(OWNERSHIP_KEYS, file.config) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      host.warn(
        `Pulumi.${other}.yaml is invalid, so whether it manages a repository of this stack was not checked: ${formatProblem(error.problems[0]!)}`,
      );
    }
  }
  return { ...(own ? { own } : {}), others };
}

interface GithubPlan {
  readonly gates: ReadonlyArray<{ readonly name: string; readonly plan: ReleaseGatePlan }>;
  readonly legacyRulesets: readonly TagRuleset[];
  readonly releases: readonly ReleasePlan[];
  /** This repository's own delivery environments (smartem:deliveryRepository), if declared. */
  readonly deliveryEnvironments: readonly EnvironmentSpec[];
}

/** Every GitHub resource as data (pure): a bad value throws before anything is registered. */
function planGithub(config: StackConfig & { readonly manageGithub: true }, releases: readonly ReleasePlan[]): GithubPlan {
  return {
    gates: config.packages.map((pkg) => ({
      name: pkg.name,
      plan: releaseGatePlan(pkg, {
        reviewers: config.pypiReviewers,
        stableTagCreators: config.stableTagCreators,
        waitTimer: config.pypiWaitTimer,
        ...(packageBumpTrigger(pkg, bumpTrigger(config)) ? { bumpTriggerEnvironment: bumpTriggerEnvironment(pkg) } : {}),
      }),
    })),
    legacyRulesets: Object.entries(config.legacyReleaseTags).map(([repository, patterns]) =>
      legacyTagsRuleset(repository, patterns),
    ),
    releases,
    deliveryEnvironments:
      config.deliveryRepository !== undefined
        ? deliveryEnvironmentSpecs(config.deliveryRepository, config.deliveryReviewers)
        : [],
  };
}

/** A stable release starts this project's bump.yml when the stack names this project's repository. */
function bumpTrigger(config: StackConfig): BumpTrigger | undefined {
  return config.deliveryRepository !== undefined
    ? { repository: `${config.githubOwner}/${config.deliveryRepository}`, image: config.backendImage }
    : undefined;
}

/** The cluster as the Kubernetes provider gets it; under the real engine, read from this machine. */
function kubernetesCluster(stack: string, config: StackConfig, live: LiveRun | undefined): KubernetesCluster {
  const context = config.kubeContext !== undefined ? { context: config.kubeContext } : {};
  const identifier = config.clusterName !== undefined ? { clusterIdentifier: config.clusterName } : {};
  if (!live) return { kubeconfig: OFFLINE_KUBECONFIG, ...identifier, ...context };
  const read = readKubeconfig(live.env, live.readFile, live.home);
  const problems = [...clusterNameProblems(config.clusterName), ...("problems" in read ? read.problems : [])];
  if (problems.length > 0) throw new ConfigError(problems, `Stack ${stack} cannot reach its Kubernetes cluster as configured`);
  return { kubeconfig: "contents" in read ? read.contents : OFFLINE_KUBECONFIG, ...identifier, ...context };
}

/** The time of a real run: the system clock, or a test's SMARTEM_TEST_NOW against a loopback cluster. */
function clockOfRun(stack: string, cluster: KubernetesCluster, live: LiveRun, warn: (message: string) => void): Date {
  const kubeconfig = typeof cluster.kubeconfig === "string" ? cluster.kubeconfig : "";
  const clock = runClock(live.env, kubeconfig, cluster.context, live.now ?? (() => new Date()));
  if ("problems" in clock) throw new ConfigError(clock.problems, `Stack ${stack} refuses the test clock ${TEST_CLOCK_ENV}`);
  if (clock.overridden)
    warn(
      `${TEST_CLOCK_ENV} sets this run's clock to ${clock.now.toISOString()} (tests only; the cluster is on the loopback interface)`,
    );
  return clock.now;
}

/**
 * The stack's one GitHub provider. Under the real engine, first refuses an environment of the
 * run that would redirect it, then a live PyPI environment with deployment policies this
 * stack does not declare (read through the provider, before any GitHub resource).
 */
async function checkedGithubProvider(
  stack: string,
  config: StackConfig,
  plan: GithubPlan,
  live: LiveRun,
): Promise<github.Provider> {
  const target = { owner: config.githubOwner, baseUrl: config.githubBaseUrl };
  const envProblems = githubEnvironmentProblems(live.env, target);
  if (envProblems.length > 0) throw new ConfigError(envProblems, `The environment of this run disagrees with stack ${stack}`);
  const provider = gitHubProvider(`${stack}-github`, target, live.env[GITHUB_ENV.token] ?? "");
  const environments = plan.gates.map((gate) => gate.plan.environment);
  const policyProblems = await undeclaredPolicyProblems(environments, config.githubOwner, provider);
  if (policyProblems.length > 0)
    throw new ConfigError(policyProblems, `Stack ${stack} would keep deployment policies it does not manage`);
  return provider;
}

/** Offline: the same provider, with no token and nothing read. */
function offlineGithubProvider(stack: string, config: StackConfig): github.Provider {
  return gitHubProvider(`${stack}-github`, { owner: config.githubOwner, baseUrl: config.githubBaseUrl }, "");
}

/** The GitHub side: release gates first, then the workflow files that need them. */
function convergeGithub(
  config: StackConfig,
  plan: GithubPlan,
  github: github.Provider,
): { trustedPublisher: Record<string, TrustedPublisher> } {
  // Release gates BEFORE the release workflows: a workflow naming a missing environment
  // makes GitHub create it unprotected. A gate's `gate` is its workflow file's dependsOn.
  const gates = new Map(
    plan.gates.map(({ name, plan: gatePlan }) => [name, new ReleaseGate(name, { plan: gatePlan, provider: github })]),
  );
  if (plan.deliveryEnvironments.length > 0) {
    new DeliveryEnvironments("delivery", { specs: plan.deliveryEnvironments, provider: github });
  }
  for (const ruleset of plan.legacyRulesets) {
    new LegacyTagProtection(`${ruleset.repository}-legacy-tags`, { ruleset, provider: github });
  }

  const releases = plan.releases.map(
    (release) =>
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
      ),
  );

  // A map by PyPI project, one shape whatever the number of packages, so
  // `pulumi stack output trustedPublisher --json | jq '.["smartem-decisions"]'` keeps working when a package is added.
  return {
    trustedPublisher: Object.fromEntries(
      releases.map((release) => [release.trustedPublisher.pypiProject, release.trustedPublisher]),
    ),
  };
}
