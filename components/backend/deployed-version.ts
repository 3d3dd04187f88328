/**
 * Gathers the facts of the upgrade guards (guards.ts) from Pulumi state:
 * - the version deployed now: this stack's own `backendVersion` output, read through a
 *   StackReference to itself (absent on a first deploy: the no-downgrade guard is skipped);
 * - with `smartem:promoteFrom`, the `backendVersion` output of the source stack.
 * Called before any other resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/schema";
import { compareVersions } from "../version/version";
import { VersionGuardFacts, assertVersionGuards } from "./guards";

/** The stack output every stack exports and the guards read back. */
export const BACKEND_VERSION_OUTPUT = "backendVersion";

/** The fully qualified name of the stack being deployed. */
export function currentStackName(): string {
  return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

async function readBackendVersion(resourceName: string, stackName: string): Promise<string | undefined> {
  const reference = new pulumi.StackReference(resourceName, { name: stackName });
  const details = await reference.getOutputDetails(BACKEND_VERSION_OUTPUT);
  const value = details.value ?? details.secretValue;
  return typeof value === "string" ? value : undefined;
}

export async function versionGuardFacts(stack: string, config: StackConfig): Promise<VersionGuardFacts> {
  const deployedVersion = await readBackendVersion("backend-deployed-version", currentStackName());
  const promotion =
    config.promoteFrom === undefined
      ? undefined
      : {
          fromStack: config.promoteFrom,
          version: await readBackendVersion("backend-promotion-source", config.promoteFrom),
          override: config.skipPromotionCheck,
        };
  return {
    stack,
    version: config.backendVersion,
    allowPrerelease: config.allowPrerelease,
    allowDowngrade: config.allowDowngrade,
    ...(deployedVersion !== undefined ? { deployedVersion } : {}),
    ...(promotion ? { promotion } : {}),
  };
}

/**
 * Refuses (throws a VersionGuardError) a version any guard refuses; returns the facts the
 * guards used (the program needs to know whether this is a rollback).
 */
export async function guardBackendVersion(stack: string, config: StackConfig): Promise<VersionGuardFacts> {
  const facts = await versionGuardFacts(stack, config);
  assertVersionGuards(facts);
  return facts;
}

/**
 * A rollback: a version lower than the one deployed now (allowed by smartem:allowDowngrade).
 * Its migration must not run: the older code's `alembic upgrade head` does not know the
 * newer schema's revision and fails, which would keep the Deployments from rolling back.
 */
export function isRollback(facts: VersionGuardFacts): boolean {
  return facts.deployedVersion !== undefined && compareVersions(facts.version, facts.deployedVersion) < 0;
}
