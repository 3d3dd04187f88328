/**
 * This repository's own deployment environments (smartem-release-infra's, not a released
 * package's), declared so that who may apply to production is code and reviewed:
 * - `staging`, `production`: the write credentials of `pulumi up`; deploy from `main` only, so a
 *   pull request that edits a workflow to use them gets nothing; production behind reviewers;
 * - `preview-<stack>`: read-only credentials for the previews of pull requests, behind reviewers
 *   (a preview runs the pull request's code with the stack's decrypted config), any branch;
 * - `drift-<stack>`: read-only credentials for the nightly check, `main` only, no reviewer (it
 *   runs unattended).
 * Nobody approves their own run, and admins cannot bypass any of it. {@link deliveryEnvironmentSpecs}
 * is pure; {@link DeliveryEnvironments} turns it into the same resources a release gate's
 * `pypi` environment uses (release-gate.ts `environmentResources`).
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { KEEP_ON_GITHUB } from "../github/provider";
import { Reviewers } from "../release/pypi-environment";
import { EnvironmentSpec, environmentResources } from "../release/release-gate";
import { TYPES } from "../shared/project";

/** The stacks this repository's workflows preview, apply and check for drift (dev is a sandbox). */
export const DELIVERY_STACKS = ["staging", "production"] as const;
export type DeliveryStack = (typeof DELIVERY_STACKS)[number];

/** The only branch whose code is applied (and drift-checked). */
export const DELIVERY_BRANCH = "main";

/** What a job does with a stack, and so which environment's secrets it gets. */
export type DeliveryUse = "up" | "preview" | "drift";

/** The environment of a job: `<stack>` for `pulumi up`, `preview-<stack>`, `drift-<stack>`. */
export function deliveryEnvironmentName(use: DeliveryUse, stack: DeliveryStack): string {
  return use === "up" ? stack : `${use}-${stack}`;
}

/** Every delivery environment of `repository` (pure). */
export function deliveryEnvironmentSpecs(repository: string, reviewers: Reviewers): EnvironmentSpec[] {
  const mainOnly = {
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    deploymentPolicies: [{ branchPattern: DELIVERY_BRANCH }],
  } as const;
  const reviewed = { reviewers: { users: [...reviewers.users], teams: [...reviewers.teams] }, preventSelfReview: true } as const;
  return DELIVERY_STACKS.flatMap((stack): EnvironmentSpec[] => [
    {
      repository,
      environment: deliveryEnvironmentName("up", stack),
      canAdminsBypass: false,
      ...(stack === "production" ? reviewed : {}),
      ...mainOnly,
    },
    {
      repository,
      environment: deliveryEnvironmentName("preview", stack),
      canAdminsBypass: false,
      ...reviewed,
      deploymentPolicies: [],
    },
    { repository, environment: deliveryEnvironmentName("drift", stack), canAdminsBypass: false, ...mainOnly },
  ]);
}

export interface DeliveryEnvironmentsArgs {
  /** What to create, from {@link deliveryEnvironmentSpecs}. */
  readonly specs: readonly EnvironmentSpec[];
  /** The GitHub provider of the stack (see components/github/provider.ts). */
  readonly provider: github.Provider;
}

export class DeliveryEnvironments extends pulumi.ComponentResource {
  readonly environments: readonly github.RepositoryEnvironment[];
  readonly deploymentPolicies: readonly github.RepositoryEnvironmentDeploymentPolicy[];

  constructor(name: string, args: DeliveryEnvironmentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPES.deliveryEnvironments, name, {}, opts);
    const child = { parent: this, provider: args.provider, ...KEEP_ON_GITHUB };
    const made = args.specs.map((spec) => environmentResources(`${name}-${spec.environment}`, spec, child));
    this.environments = made.map((m) => m.environment);
    this.deploymentPolicies = made.flatMap((m) => m.deploymentPolicies);
    this.registerOutputs({ environments: this.environments.map((e) => e.environment) });
  }
}
