/**
 * Gathers the facts of the upgrade guards (guards.ts) from Pulumi state:
 * - the version deployed now: this stack's own `backendVersion` output, read through a
 *   StackReference to itself (absent on a first deploy: the no-downgrade guard is skipped);
 * - the highest version migrated here: the `migratedVersion` output, or a later migration
 *   Job the last checkpoint shows completed (a failed rollout writes no outputs; see
 *   migration-history.ts);
 * - with `smartem:promoteFrom`, the `backendVersion` output of the source stack and, given the
 *   time of the run (only under the real engine), its `promotionEvidence` output.
 * Called before any other resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { compareVersions, isCanonicalVersion } from "../version/version";
import { INVOKES } from "../shared/project";
import { BackendConfig } from "./config";
import { PromotionFacts, PromotionPolicy, VersionGuardFacts, assertVersionGuards, promotionPolicy } from "./guards";
import { StackResourceOutputs, completedMigration } from "./migration-history";
import { BACKEND_RESOURCE_NAME, migrationJobResourceName } from "./names";
import { BACKEND_VERSION_OUTPUT, MIGRATED_VERSION_OUTPUT } from "./outputs";
import { PROMOTION_EVIDENCE_OUTPUT, PromotionEvidence, readEvidence } from "./promotion-evidence";

/** The fully qualified name of the stack being deployed. */
export function currentStackName(): string {
  return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

async function readValue(reference: pulumi.StackReference, name: string): Promise<unknown> {
  const details = await reference.getOutputDetails(name);
  return details.value ?? details.secretValue;
}

async function readOutput(reference: pulumi.StackReference, name: string): Promise<string | undefined> {
  const value = await readValue(reference, name);
  return typeof value === "string" ? value : undefined;
}

/** What the program knows of this stack's live state before it changes anything. */
export interface UpgradeFacts {
  readonly guards: VersionGuardFacts;
  /** The highest version whose migration completed here (it may be above the one serving). */
  readonly migratedVersion?: string;
  /** This stack's own last promotionEvidence output, if it is a valid record. */
  readonly previousEvidence?: PromotionEvidence;
}

/**
 * The facts of the guards. `now` is the time of the run: given (under the real engine), the
 * promotion guard also checks the source's evidence and the soak time; offline it cannot.
 */
export async function upgradeFacts(stack: string, config: BackendConfig, now?: Date): Promise<UpgradeFacts> {
  const policy = promotionPolicy(config);
  const self = new pulumi.StackReference("backend-deployed-version", { name: currentStackName() });
  const deployedVersion = await readOutput(self, BACKEND_VERSION_OUTPUT);
  const migratedVersion = highest([
    await readOutput(self, MIGRATED_VERSION_OUTPUT),
    await readCompletedMigration(currentStackName(), migrationJobResourceName(BACKEND_RESOURCE_NAME)),
  ]);
  const promotion = policy && (await promotionFacts(policy, config, now));
  const guards: VersionGuardFacts = {
    stack,
    version: config.backendVersion,
    allowPrerelease: config.allowPrerelease,
    allowDowngrade: config.allowDowngrade,
    ...(deployedVersion !== undefined ? { deployedVersion } : {}),
    ...(promotion ? { promotion } : {}),
  };
  const previous = readEvidence(await readValue(self, PROMOTION_EVIDENCE_OUTPUT));
  return {
    guards,
    ...(migratedVersion !== undefined ? { migratedVersion } : {}),
    ...(previous.kind === "recorded" ? { previousEvidence: previous.evidence } : {}),
  };
}

/**
 * Whether this version's migration completed here in an earlier rollout that the stack's last
 * record shows: a return to the version that served before a later one failed keeps proving
 * its migration. A rollback to a version this stack never recorded does not.
 */
export function migratedEarlier(facts: UpgradeFacts): boolean {
  const previous = facts.previousEvidence;
  return previous !== undefined && previous.version === facts.guards.version && previous.migration === "completed";
}

/** What the source stack reports: its version and, when the run has a clock, its evidence. */
async function promotionFacts(policy: PromotionPolicy, config: BackendConfig, now: Date | undefined): Promise<PromotionFacts> {
  const source = new pulumi.StackReference("backend-promotion-source", { name: policy.fromStack });
  const version = await readOutput(source, BACKEND_VERSION_OUTPUT);
  const digest = config.backendImageDigests?.[config.backendVersion];
  return {
    fromStack: policy.fromStack,
    ...(version !== undefined ? { version } : {}),
    override: policy.override,
    ...(now !== undefined
      ? {
          evidence: {
            recorded: readEvidence(await readValue(source, PROMOTION_EVIDENCE_OUTPUT)),
            ...(digest !== undefined ? { digest } : {}),
            soakHours: policy.soakHours,
            now,
          },
        }
      : {}),
  };
}

/**
 * Refuses (throws a VersionGuardError) a version any guard refuses; returns the facts the
 * guards used (the program needs to know whether this is a rollback).
 */
export async function guardBackendVersion(stack: string, config: BackendConfig, now?: Date): Promise<UpgradeFacts> {
  const facts = await upgradeFacts(stack, config, now);
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
  const schema = schemaVersion(facts);
  return schema !== undefined && compareVersions(facts.guards.version, schema) < 0;
}

/** The version the database schema is at: the highest deployed or migrated here (undefined on a first deploy). */
export function schemaVersion(facts: UpgradeFacts): string | undefined {
  return highest([facts.guards.deployedVersion, facts.migratedVersion]);
}

function highest(versions: ReadonlyArray<string | undefined>): string | undefined {
  return versions
    .filter((v): v is string => v !== undefined && isCanonicalVersion(v))
    .sort(compareVersions)
    .at(-1);
}

/** Reads the last checkpoint of `stackName` (fully qualified) and returns its completed migration. */
export async function readCompletedMigration(stackName: string, jobName: string): Promise<string | undefined> {
  const answer = (await pulumi.runtime.invoke(INVOKES.readStackResourceOutputs, { stackName })) as Partial<StackResourceOutputs>;
  return completedMigration(answer.outputs ?? {}, jobName);
}
