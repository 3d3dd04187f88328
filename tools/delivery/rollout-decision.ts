/**
 * What deploy.yml does after `pulumi up` of a stack failed: roll back at once, or leave the old
 * pods serving and open an incident (pure, table-tested; docs/operations.md "After a failed rollout").
 *
 * The facts are what the program itself knows about the migration: a failed `pulumi up` keeps
 * the previous stack outputs (`backendVersion` = the version serving before, `migratedVersion`
 * = the schema's version), and the checkpoint holds the failed version's migration Job as
 * completed if it ran (components/backend/migration-history.ts, the same reading the program does).
 *
 *   node scripts/run.cjs tools/delivery/rollout-decision.ts <stack> <outputs.json> <export.json> <decision.json>
 * reads `pulumi stack output --json` and `pulumi stack export`, writes the decision, prints
 * `action=...` and `previous=...` lines for $GITHUB_OUTPUT.
 */
import * as fs from "node:fs";
import { RawConfig } from "../../components/config/keys";
import { BACKEND_VERSION_OUTPUT, MIGRATED_VERSION_OUTPUT } from "../../components/backend/outputs";
import { CheckpointResource, completedMigration } from "../../components/backend/migration-history";
import { BACKEND_RESOURCE_NAME, migrationJobResourceName } from "../../components/backend/names";
import { loadStackConfig } from "../../components/program-config";
import { compareVersions } from "../../components/version/version";
import { readStackFile } from "../engine/stack-file";
import { runOnRunner } from "./runner-entry";

export interface FailureFacts {
  readonly stack: string;
  /** `smartem:backendVersion` of the failed run. */
  readonly failedVersion: string;
  /** The `backendVersion` output: what served before the failed run (kept by a failed update). */
  readonly previous: string | undefined;
  /** The `migratedVersion` output. */
  readonly migratedOutput: string | undefined;
  /** The highest version whose migration Job the checkpoint shows completed. */
  readonly completedMigration: string | undefined;
  /** `smartem:backwardCompatibleMigrations`. */
  readonly backwardCompatible: readonly string[];
}

export type FailureDecision =
  | {
      readonly action: "none";
      readonly stack: string;
      readonly failedVersion: string;
      readonly previous: string | undefined;
      readonly why: string;
    }
  | {
      readonly action: "rollback";
      readonly stack: string;
      readonly failedVersion: string;
      readonly previous: string;
      readonly why: string;
      readonly command: string;
    }
  | {
      readonly action: "incident";
      readonly stack: string;
      readonly failedVersion: string;
      readonly previous: string | undefined;
      readonly why: string;
      /** The command to roll back once the schema question is settled (none on a first deploy). */
      readonly command: string | undefined;
    };

/** The one-off rollback `pulumi up`: the pin set for this run, never committed by it. */
export function rollbackCommand(stack: string, previous: string): string {
  return `pulumi up --yes --stack ${stack} --policy-pack policy --config smartem:backendVersion=${previous} --config smartem:allowDowngrade=true`;
}

/** Roll back or open an incident (pure). `stack` is the name the CLI takes. */
export function decideFailure(facts: FailureFacts): FailureDecision {
  const { stack, failedVersion, previous } = facts;
  const incident = (why: string): FailureDecision => ({
    action: "incident",
    stack,
    failedVersion,
    previous,
    why,
    command: previous && previous !== failedVersion ? rollbackCommand(stack, previous) : undefined,
  });
  if (previous === undefined) return incident(`the first deploy of ${stack} failed: there is no earlier version to return to`);
  if (previous === failedVersion) {
    // Not a rollout of another version (a config or GitHub-side change failed): the job fails as usual.
    return {
      action: "none",
      stack,
      failedVersion,
      previous,
      why: `${stack} already ran ${failedVersion}: not a version rollout, nothing to roll back`,
    };
  }
  // The schema `previous` served on: the migratedVersion output of the last successful update
  // (after an earlier rollback it may be ahead of `previous`, which served on it fine).
  const before = facts.migratedOutput ?? previous;
  const migrated = facts.completedMigration;
  const schemaMoved = migrated !== undefined && compareVersions(migrated, before) > 0;
  if (!schemaMoved) {
    return {
      action: "rollback",
      stack,
      failedVersion,
      previous,
      why: `${failedVersion} ran no migration (the schema is still ${before}, which ${previous} served on)`,
      command: rollbackCommand(stack, previous),
    };
  }
  if (facts.backwardCompatible.includes(migrated)) {
    return {
      action: "rollback",
      stack,
      failedVersion,
      previous,
      why: `${migrated}'s migration ran and is declared backward compatible (smartem:backwardCompatibleMigrations)`,
      command: rollbackCommand(stack, previous),
    };
  }
  return incident(
    `the schema was migrated from ${before} to ${migrated} and ${migrated} is not in smartem:backwardCompatibleMigrations: ` +
      `${previous} may not work with it; the old pods keep serving, nothing is retried`,
  );
}

/** The checkpoint's resources (`pulumi stack export`) in the shape migration-history.ts reads. */
export function checkpointResources(exportJson: string): Record<string, CheckpointResource> {
  const resources =
    (
      JSON.parse(exportJson) as {
        deployment?: { resources?: Array<{ urn: string; type: string; outputs?: Record<string, unknown>; delete?: boolean }> };
      }
    ).deployment?.resources ?? [];
  // A resource awaiting deletion is not live (readStackResourceOutputs leaves it out too).
  return Object.fromEntries(
    resources.filter((r) => r.delete !== true).map((r) => [r.urn, { type: r.type, outputs: r.outputs ?? {} }]),
  );
}

/**
 * The decision from what the CLI prints: `pulumi stack output --json` and `pulumi stack export`
 * (either may be empty: a stack without outputs or checkpoint), and the stack file's config.
 */
export function decideFromCli(
  stack: string,
  config: { readonly backendVersion: string; readonly backwardCompatibleMigrations: readonly string[] },
  outputsJson: string,
  exportJson: string,
): FailureDecision {
  const outputs = outputsJson.trim() ? (JSON.parse(outputsJson) as Record<string, unknown>) : {};
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  return decideFailure({
    stack,
    failedVersion: config.backendVersion,
    previous: str(outputs[BACKEND_VERSION_OUTPUT]),
    migratedOutput: str(outputs[MIGRATED_VERSION_OUTPUT]),
    completedMigration: exportJson.trim()
      ? completedMigration(checkpointResources(exportJson), migrationJobResourceName(BACKEND_RESOURCE_NAME))
      : undefined,
    backwardCompatible: config.backwardCompatibleMigrations,
  });
}

function main(args: string[]): number {
  const [stack, outputsFile, exportFile, out] = args;
  if (!stack || !outputsFile || !exportFile || !out) {
    process.stderr.write("usage: rollout-decision.ts <stack> <outputs.json> <export.json> <decision.json>\n");
    return 2;
  }
  const file = readStackFile(stack.split("/").pop()!);
  const config = loadStackConfig(file.config as RawConfig, new Set(file.secretKeys));
  const text = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  const decision = decideFromCli(stack, config, text(outputsFile), text(exportFile));
  fs.writeFileSync(out, `${JSON.stringify({ ...decision, namespace: config.namespace }, null, 2)}\n`);
  process.stderr.write(`${decision.action}: ${decision.why}\n`);
  if (process.env.GITHUB_STEP_SUMMARY) {
    const what = {
      none: "No rollback: the job fails as usual.",
      rollback: "Rolling back at once.",
      incident: "Leaving the old pods serving, no retry; an incident issue follows.",
    }[decision.action];
    fs.appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      `## After the failed \`pulumi up\` of ${stack}\n${decision.why}. ${what}\n`,
    );
  }
  process.stdout.write(
    `action=${decision.action}\nprevious=${decision.previous ?? ""}\nfailed=${decision.failedVersion}\nnamespace=${config.namespace}\n`,
  );
  return 0;
}

runOnRunner("rollout-decision.ts", main);
