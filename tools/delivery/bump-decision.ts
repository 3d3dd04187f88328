/**
 * Which version the bump workflow (bump.yml) proposes for a stack: pure, table-tested.
 *
 * The facts: the package's releases (PyPI's JSON API), the version the stack RUNS (its
 * `backendVersion` output, read with read-only credentials; never the registry's newest, never
 * the stack file, which may hold a merged pin whose deploy failed), the version its stack file
 * pins, and, for a stack with a promotion source, the version that source runs.
 *
 *   node scripts/run.cjs tools/delivery/bump-decision.ts <stack> <releases.json> <outputs.json> [<source-outputs.json>]
 * prints the proposal as JSON (`version` to bump to, or `none` with why, and what the stack runs).
 */
import * as fs from "node:fs";
import { loadStackConfig } from "../../components/program-config";
import { RawConfig, formatProblem } from "../../components/config/keys";
import { compareVersions, isCanonicalVersion, parseVersion } from "../../components/version/version";
import { BACKEND_VERSION_OUTPUT } from "../../components/backend/outputs";
import { readStackFile } from "../engine/stack-file";
import { GuardProblem, checkVersionGuards } from "../../components/backend/guards";
import { PROMOTION_EVIDENCE_OUTPUT, readEvidence } from "../../components/backend/promotion-evidence";
import { promotionPolicy } from "../../components/backend/guards";
import { runOnRunner } from "./runner-entry";

/** One release of the package, as PyPI lists it. */
export interface Release {
  readonly version: string;
  /** Every file of the release is yanked (PyPI's `yanked`). */
  readonly yanked: boolean;
}

export interface BumpFacts {
  readonly stack: string;
  readonly releases: readonly Release[];
  /** The stack's `backendVersion` output; undefined before its first deploy. */
  readonly running: string | undefined;
  /** `smartem:backendVersion` in the stack file on main. */
  readonly pinned: string;
  /** `smartem:allowPrerelease` of the stack. */
  readonly allowPrerelease: boolean;
  /** For a stack with `smartem:promoteFrom`: the source stack's name and the version it runs. */
  readonly promotion?: { readonly from: string; readonly running: string | undefined };
}

export type BumpProposal =
  | { readonly action: "bump"; readonly stack: string; readonly version: string; readonly why: string }
  | { readonly action: "none"; readonly stack: string; readonly why: string };

const deployable = (release: Release, allowPrerelease: boolean): boolean => {
  if (release.yanked || !isCanonicalVersion(release.version)) return false;
  const kind = parseVersion(release.version).kind;
  return kind === "final" || (kind === "prerelease" && allowPrerelease);
};

/** The version to propose for one stack, or why none (pure). */
export function decideBump(facts: BumpFacts): BumpProposal {
  const { stack, running } = facts;
  const none = (why: string): BumpProposal => ({ action: "none", stack, why });
  const candidates = facts.releases
    .filter((r) => deployable(r, facts.allowPrerelease))
    .map((r) => r.version)
    .sort(compareVersions);
  let target = candidates.at(-1);
  if (target === undefined) {
    return none(`no ${facts.allowPrerelease ? "" : "final "}release of the package is deployable on ${stack}`);
  }
  let why = `${target} is the newest ${facts.allowPrerelease ? "" : "final "}release`;
  if (facts.promotion) {
    const source = facts.promotion.running;
    if (source === undefined) return none(`${facts.promotion.from} runs no version yet; ${stack} takes only what it runs`);
    if (!candidates.includes(source)) {
      return none(`${facts.promotion.from} runs ${source}, which ${stack} cannot take (a pre-release, yanked, or not a release)`);
    }
    if (compareVersions(source, target) < 0)
      why = `${facts.promotion.from} runs ${source} (the newest release, ${target}, has not reached it yet)`;
    else why = `${facts.promotion.from} runs ${source}, the newest release`;
    target = source;
  }
  if (running !== undefined && compareVersions(target, running) < 0) {
    return none(`${stack} runs ${running}, newer than ${target}: never a downgrade`);
  }
  if (running !== undefined && compareVersions(target, running) === 0) return none(`${stack} runs ${running} already`);
  if (facts.pinned === target) {
    return none(
      `main already pins ${target} on ${stack}, which runs ${running ?? "nothing yet"}: its deploy is pending or failed (see deploy.yml)`,
    );
  }
  return { action: "bump", stack, version: target, why: `${why}; ${stack} runs ${running ?? "nothing yet"}` };
}

/** PyPI's JSON API (`/pypi/<name>/json`) -> releases: a release is yanked when all its files are. */
export function releasesFromPypi(json: unknown): Release[] {
  const releases = (json as { releases?: Record<string, Array<{ yanked?: boolean }>> }).releases ?? {};
  return Object.entries(releases)
    .filter(([, files]) => files.length > 0)
    .map(([version, files]) => ({ version, yanked: files.every((f) => f.yanked === true) }));
}

/** `pulumi stack output --json` -> the version the stack runs. */
export function runningVersion(outputsJson: string): string | undefined {
  const text = outputsJson.trim();
  if (text === "") return undefined;
  const value = (JSON.parse(text) as Record<string, unknown>)[BACKEND_VERSION_OUTPUT];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The promotion guard as `pulumi preview` of the stack will apply it, on the bumped stack file:
 * the source's recorded evidence (same version and digest, migration and rollout succeeded) and
 * the soak time since its rollout, at `now`. [] when the stack promotes from no other stack.
 */
export function promotionRefusals(
  stack: string,
  config: ReturnType<typeof loadStackConfig>,
  sourceOutputs: Readonly<Record<string, unknown>>,
  deployedVersion: string | undefined,
  now: Date,
): GuardProblem[] {
  const policy = promotionPolicy(config);
  if (!policy) return [];
  const source = sourceOutputs[BACKEND_VERSION_OUTPUT];
  return checkVersionGuards({
    stack,
    version: config.backendVersion,
    allowPrerelease: config.allowPrerelease,
    allowDowngrade: config.allowDowngrade,
    ...(deployedVersion !== undefined ? { deployedVersion } : {}),
    promotion: {
      fromStack: policy.fromStack,
      ...(typeof source === "string" && source !== "" ? { version: source } : {}),
      override: policy.override,
      evidence: {
        recorded: readEvidence(sourceOutputs[PROMOTION_EVIDENCE_OUTPUT]),
        ...(config.backendImageDigests?.[config.backendVersion] !== undefined
          ? { digest: config.backendImageDigests[config.backendVersion] }
          : {}),
        soakHours: policy.soakHours,
        now,
      },
    },
  });
}

/** Exit status of `--promotion-guard` when the guard refuses (not an error of the script). */
export const GUARD_REFUSES = 3;

function main(args: string[]): number {
  if (args[0] === "--promotion-guard") {
    const [, stack, outputsFile, sourceOutputsFile] = args;
    if (!stack || !outputsFile || !sourceOutputsFile) {
      process.stderr.write("usage: bump-decision.ts --promotion-guard <stack> <outputs.json> <source-outputs.json>\n");
      return 2;
    }
    const file = readStackFile(stack);
    const config = loadStackConfig(file.config as RawConfig, new Set(file.secretKeys));
    const text = fs.readFileSync(sourceOutputsFile, "utf8").trim();
    const problems = promotionRefusals(
      stack,
      config,
      text ? (JSON.parse(text) as Record<string, unknown>) : {},
      runningVersion(fs.readFileSync(outputsFile, "utf8")),
      new Date(),
    );
    for (const p of problems) process.stdout.write(`- ${formatProblem(p)}\n`);
    return problems.length > 0 ? GUARD_REFUSES : 0;
  }
  const [stack, releasesFile, outputsFile, sourceOutputsFile] = args;
  if (!stack || !releasesFile || !outputsFile) {
    process.stderr.write("usage: bump-decision.ts <stack> <releases.json> <outputs.json> [<source-outputs.json>]\n");
    return 2;
  }
  const file = readStackFile(stack);
  const config = loadStackConfig(file.config as RawConfig, new Set(file.secretKeys));
  const read = (f: string): string => fs.readFileSync(f, "utf8");
  const running = runningVersion(read(outputsFile));
  const proposal = decideBump({
    stack,
    releases: releasesFromPypi(JSON.parse(read(releasesFile))),
    running,
    pinned: config.backendVersion,
    allowPrerelease: config.allowPrerelease,
    ...(config.promoteFrom
      ? {
          promotion: {
            from: config.promoteFrom,
            running: sourceOutputsFile ? runningVersion(read(sourceOutputsFile)) : undefined,
          },
        }
      : {}),
  });
  // What the stack runs goes along: the next stack in promotion order is decided from it.
  process.stdout.write(`${JSON.stringify({ ...proposal, running: running ?? "" })}\n`);
  return 0;
}

runOnRunner("bump-decision.ts", main);
