/**
 * Gathers the facts of the upgrade guards (guards.ts) from Pulumi state:
 * - the version deployed now: this stack's own `backendVersion` output, read through a
 *   StackReference to itself (absent on a first deploy: the no-downgrade guard is skipped);
 * - with `smartem:promoteFrom`, the `backendVersion` output of the source stack.
 * Called before any other resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { compareVersions } from "../version/version";
import { BackendConfig } from "./config";
import { VersionGuardFacts, assertVersionGuards } from "./guards";

/** The stack output every stack exports and the guards read back. */
export const BACKEND_VERSION_OUTPUT = "backendVersion";

/** The fully qualified name of the stack being deployed. */
export function currentStackName(): string {
  return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** The stack output with the highest version whose migration Job completed on this stack. */
export const MIGRATED_VERSION_OUTPUT = "migratedVersion";

async function readOutput(reference: pulumi.StackReference, name: string): Promise<string | undefined> {
  const details = await reference.getOutputDetails(name);
  const value = details.value ?? details.secretValue;
  return typeof value === "string" ? value : undefined;
}

async function readBackendVersion(resourceName: string, stackName: string): Promise<string | undefined> {
  return readOutput(new pulumi.StackReference(resourceName, { name: stackName }), BACKEND_VERSION_OUTPUT);
}

/** What the program knows of this stack's live state before it changes anything. */
export interface UpgradeFacts {
  readonly guards: VersionGuardFacts;
  /** The highest version whose migration completed here (it may be above the one serving). */
  readonly migratedVersion?: string;
}

export async function upgradeFacts(stack: string, config: BackendConfig): Promise<UpgradeFacts> {
  const self = new pulumi.StackReference("backend-deployed-version", { name: currentStackName() });
  const deployedVersion = await readOutput(self, BACKEND_VERSION_OUTPUT);
  const migratedVersion = await readOutput(self, MIGRATED_VERSION_OUTPUT);
  const promotion =
    config.promoteFrom === undefined
      ? undefined
      : {
          fromStack: config.promoteFrom,
          version: await readBackendVersion("backend-promotion-source", config.promoteFrom),
          override: config.skipPromotionCheck,
        };
  const guards: VersionGuardFacts = {
    stack,
    version: config.backendVersion,
    allowPrerelease: config.allowPrerelease,
    allowDowngrade: config.allowDowngrade,
    ...(deployedVersion !== undefined ? { deployedVersion } : {}),
    ...(promotion ? { promotion } : {}),
  };
  return { guards, ...(migratedVersion !== undefined ? { migratedVersion } : {}) };
}

/**
 * Refuses (throws a VersionGuardError) a version any guard refuses; returns the facts the
 * guards used (the program needs to know whether this is a rollback).
 */
export async function guardBackendVersion(stack: string, config: BackendConfig): Promise<UpgradeFacts> {
  const facts = await upgradeFacts(stack, config);
  assertVersionGuards(facts.guards);
  return facts;
}

/**
 * Whether the version is below one whose migration already ran here: a rollback (allowed by
 * smartem:allowDowngrade), or a return to the serving version after a later version migrated
 * and then failed to roll out. Its migration must not run: the older code's `alembic upgrade
 * head` does not know the newer schema's revision and fails, which would keep the Deployments
 * from rolling back.
 */
export function isBelowMigratedSchema(facts: UpgradeFacts): boolean {
  const version = facts.guards.version;
  return [facts.guards.deployedVersion, facts.migratedVersion].some((v) => v !== undefined && compareVersions(version, v) < 0);
}
