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
}

/** The gate of one package; throws on bad input, registers nothing. */
export function releaseGatePlan(pkg: PythonPackage, settings: ReleaseGateSettings): ReleaseGatePlan {
  return {
    rulesets: packageTagRulesets(pkg, settings.stableTagCreators ?? DEFAULT_STABLE_TAG_CREATORS),
    environment: pypiEnvironmentSpec(pkg, settings.reviewers, settings.waitTimer ?? 0),
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

export class ReleaseGate extends pulumi.ComponentResource {
  readonly rulesets: readonly github.RepositoryRuleset[];
  readonly environment: github.RepositoryEnvironment;
  readonly deploymentPolicies: readonly github.RepositoryEnvironmentDeploymentPolicy[];
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
    this.environment = new github.RepositoryEnvironment(
      `${name}-${spec.environment}`,
      {
        repository: spec.repository,
        environment: spec.environment,
        reviewers: [{ users: [...spec.reviewers.users], teams: [...spec.reviewers.teams] }],
        preventSelfReview: spec.preventSelfReview,
        canAdminsBypass: spec.canAdminsBypass,
        waitTimer: spec.waitTimer,
        deploymentBranchPolicy: { ...spec.deploymentBranchPolicy },
      },
      child,
    );
    this.deploymentPolicies = spec.tagPatterns.map(
      (tagPattern, i) =>
        new github.RepositoryEnvironmentDeploymentPolicy(
          `${name}-${spec.environment}-tags${i === 0 ? "" : `-${i}`}`,
          { repository: spec.repository, environment: this.environment.environment, tagPattern },
          { ...child, dependsOn: [this.environment] },
        ),
    );
    this.gate = [...this.rulesets, this.environment, ...this.deploymentPolicies];
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
