/**
 * The release gate of one Python package: its tag rulesets and the PyPI environment
 * (with its tag deployment policy). {@link releaseGatePlan} (pure, over tag-rules.ts and
 * pypi-environment.ts) decides everything and throws on bad input; the components only
 * turn that plan into resources, so a caller builds every plan before registering any.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { KEEP_ON_GITHUB } from "../github/provider";
import { TYPES } from "../shared/project";
import { PythonPackage } from "./package";
import { PypiEnvironmentSpec, Reviewers, pypiEnvironmentSpec } from "./pypi-environment";
import { BypassActor, DEFAULT_STABLE_TAG_CREATORS, TagRuleset, packageTagRulesets } from "./tag-rules";

/** Everything one package's gate will be, as data: build it (and so validate) first. */
export interface ReleaseGatePlan {
  readonly rulesets: readonly TagRuleset[];
  readonly environment: PypiEnvironmentSpec;
  /** The environment the release workflow's bump-trigger job runs in (bump-trigger.ts), if it has one. */
  readonly bumpTriggerEnvironment?: EnvironmentSpec;
}

export interface ReleaseGateSettings {
  /** Required reviewers of the PyPI environment (1 to 6 ids). */
  readonly reviewers: Reviewers;
  /**
   * Who may create stable release tags.
   * @default maintain (2) and admin (5) repository roles, bypass mode `always`
   */
  readonly stableTagCreators?: readonly BypassActor[];
  /**
   * Minutes between approval and the upload.
   * @default 0
   */
  readonly waitTimer?: number;
  /**
   * The environment of the release workflow's bump-trigger job (bump-trigger.ts).
   * @default none: the workflow has no such job
   */
  readonly bumpTriggerEnvironment?: EnvironmentSpec;
}

/** The gate of one package; throws on bad input, registers nothing. */
export function releaseGatePlan(pkg: PythonPackage, settings: ReleaseGateSettings): ReleaseGatePlan {
  return {
    rulesets: packageTagRulesets(pkg, settings.stableTagCreators ?? DEFAULT_STABLE_TAG_CREATORS),
    environment: pypiEnvironmentSpec(pkg, settings.reviewers, settings.waitTimer ?? 0),
    ...(settings.bumpTriggerEnvironment ? { bumpTriggerEnvironment: settings.bumpTriggerEnvironment } : {}),
  };
}

export interface ReleaseGateArgs {
  /** What to create, from {@link releaseGatePlan}. */
  readonly plan: ReleaseGatePlan;
  /** The GitHub provider of the stack (see components/github/provider.ts). */
  readonly provider: github.Provider;
}

/** Turns one TagRuleset into its resource. */
export function tagRulesetResource(
  resourceName: string,
  ruleset: TagRuleset,
  opts: pulumi.CustomResourceOptions,
): github.RepositoryRuleset {
  return new github.RepositoryRuleset(
    resourceName,
    {
      name: ruleset.name,
      repository: ruleset.repository,
      target: ruleset.target,
      enforcement: ruleset.enforcement,
      conditions: {
        refName: { includes: [...ruleset.conditions.refName.includes], excludes: [...ruleset.conditions.refName.excludes] },
      },
      rules: { ...ruleset.rules },
      bypassActors: ruleset.bypassActors.map((a) => ({ ...a })),
    },
    opts,
  );
}

/** A deployment environment as data: what `github.RepositoryEnvironment` and its policies take. */
export interface EnvironmentSpec {
  readonly repository: string;
  readonly environment: string;
  /** Required reviewers; unset: none. */
  readonly reviewers?: Reviewers;
  readonly preventSelfReview?: boolean;
  readonly canAdminsBypass: boolean;
  readonly waitTimer?: number;
  /** Unset: every branch and tag may deploy. */
  readonly deploymentBranchPolicy?: { readonly protectedBranches: boolean; readonly customBranchPolicies: boolean };
  /** The refs a custom branch policy admits (fnmatch patterns). */
  readonly deploymentPolicies: ReadonlyArray<{ readonly tagPattern: string } | { readonly branchPattern: string }>;
}

/**
 * One environment and its deployment policies (the policies after the environment: GitHub
 * refuses a policy of an environment that does not exist yet). Resource names:
 * `<name>`, `<name>-tags[-i]`, `<name>-branches[-i]`.
 */
export function environmentResources(
  name: string,
  spec: EnvironmentSpec,
  child: pulumi.CustomResourceOptions,
): { environment: github.RepositoryEnvironment; deploymentPolicies: github.RepositoryEnvironmentDeploymentPolicy[] } {
  const environment = new github.RepositoryEnvironment(
    name,
    {
      repository: spec.repository,
      environment: spec.environment,
      ...(spec.reviewers ? { reviewers: [{ users: [...spec.reviewers.users], teams: [...spec.reviewers.teams] }] } : {}),
      ...(spec.preventSelfReview !== undefined ? { preventSelfReview: spec.preventSelfReview } : {}),
      canAdminsBypass: spec.canAdminsBypass,
      ...(spec.waitTimer !== undefined ? { waitTimer: spec.waitTimer } : {}),
      ...(spec.deploymentBranchPolicy ? { deploymentBranchPolicy: { ...spec.deploymentBranchPolicy } } : {}),
    },
    child,
  );
  const count = { tags: 0, branches: 0 };
  const deploymentPolicies = spec.deploymentPolicies.map((policy) => {
    const kind = "tagPattern" in policy ? "tags" : "branches";
    const i = count[kind]++;
    return new github.RepositoryEnvironmentDeploymentPolicy(
      `${name}-${kind}${i === 0 ? "" : `-${i}`}`,
      { repository: spec.repository, environment: environment.environment, ...policy },
      { ...child, dependsOn: [environment] },
    );
  });
  return { environment, deploymentPolicies };
}

export class ReleaseGate extends pulumi.ComponentResource {
  readonly rulesets: readonly github.RepositoryRuleset[];
  readonly environment: github.RepositoryEnvironment;
  readonly deploymentPolicies: readonly github.RepositoryEnvironmentDeploymentPolicy[];
  /** The bump-trigger job's environment, when the workflow has that job. */
  readonly bumpTriggerEnvironment?: github.RepositoryEnvironment;
  /**
   * Everything the release workflow of this package must wait for: a workflow file that
   * names an environment which does not exist yet makes GitHub create it unprotected.
   * Pass it as `dependsOn` of the workflow file.
   */
  readonly gate: readonly pulumi.Resource[];

  constructor(name: string, args: ReleaseGateArgs, opts?: pulumi.ComponentResourceOptions) {
    const { rulesets, environment: spec } = args.plan;
    super(TYPES.releaseGate, name, {}, opts);
    const child = { parent: this, provider: args.provider, ...KEEP_ON_GITHUB };

    this.rulesets = rulesets.map((r) => tagRulesetResource(`${name}-${r.name}`, r, child));
    const { environment, deploymentPolicies } = environmentResources(
      `${name}-${spec.environment}`,
      { ...spec, deploymentPolicies: spec.tagPatterns.map((tagPattern) => ({ tagPattern })) },
      child,
    );
    this.environment = environment;
    this.deploymentPolicies = deploymentPolicies;
    const trigger = args.plan.bumpTriggerEnvironment;
    const triggerResources = trigger ? environmentResources(`${name}-${trigger.environment}`, trigger, child) : undefined;
    this.bumpTriggerEnvironment = triggerResources?.environment;
    this.gate = [
      ...this.rulesets,
      this.environment,
      ...this.deploymentPolicies,
      ...(triggerResources ? [triggerResources.environment, ...triggerResources.deploymentPolicies] : []),
    ];
    this.registerOutputs({ environment: this.environment.environment });
  }
}

export interface LegacyTagProtectionArgs {
  readonly ruleset: TagRuleset;
  readonly provider: github.Provider;
}

/** The immutable ruleset of one repository's legacy release tags. */
export class LegacyTagProtection extends pulumi.ComponentResource {
  readonly ruleset: github.RepositoryRuleset;

  constructor(name: string, args: LegacyTagProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.legacyTagProtection, name, {}, opts);
    this.ruleset = tagRulesetResource(`${name}-${args.ruleset.name}`, args.ruleset, {
      parent: this,
      provider: args.provider,
      ...KEEP_ON_GITHUB,
    });
    this.registerOutputs({});
  }
}
