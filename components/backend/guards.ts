/**
 * Upgrade guards of the backend version pin: which requested versions a stack refuses.
 *
 * Pure (no Pulumi): the program gathers the facts (config, the stack's own last
 * `backendVersion` output, the promotion source's output) and asks this module before
 * it registers any resource, so a refused version changes nothing in the cluster.
 */
import { ConfigError, ConfigProblem } from "../config/keys";
import { BACKEND_KEY } from "./config";
import { compareVersions, isCanonicalVersion, parseVersion } from "../version/version";

export interface VersionGuardFacts {
  readonly stack: string;
  /** requested smartem:backendVersion: deployable, as the config parse has checked */
  readonly version: string;
  readonly allowPrerelease: boolean;
  readonly allowDowngrade: boolean;
  /** the version deployed now, when known (undefined = unknown / first deploy) */
  readonly deployedVersion?: string;
  /** production's promotion rule: the version the source stack (staging) runs */
  readonly promotion?: { readonly fromStack: string; readonly version?: string; readonly override: boolean };
}

/** A refusing guard, named like a config problem (key, value, what to do). */
export type GuardProblem = ConfigProblem;

/** The config keys the guards name in their problems (and that override them). */
const GUARD_KEYS = {
  version: BACKEND_KEY.backendVersion,
  allowPrerelease: BACKEND_KEY.allowPrerelease,
  allowDowngrade: BACKEND_KEY.allowDowngrade,
  promoteFrom: BACKEND_KEY.promoteFrom,
  skipPromotionCheck: BACKEND_KEY.skipPromotionCheck,
} as const;

/** Every guard that refuses this version; [] means the version may be deployed. */
export function checkVersionGuards(facts: VersionGuardFacts): GuardProblem[] {
  const { stack, version } = facts;
  const problems: GuardProblem[] = [];

  const parsed = parseVersion(version);

  if (parsed.kind === "prerelease" && !facts.allowPrerelease) {
    problems.push({
      key: GUARD_KEYS.version,
      value: version,
      message:
        `${version} is a pre-release and stack ${stack} takes only final releases X.Y.Z ` +
        `(${GUARD_KEYS.allowPrerelease} is false); pin a final release, or set ${GUARD_KEYS.allowPrerelease}: true on a stack that may run release candidates (never production)`,
    });
  }

  if (facts.deployedVersion !== undefined && !facts.allowDowngrade) {
    const deployed = facts.deployedVersion;
    if (!isCanonicalVersion(deployed)) {
      problems.push({
        key: GUARD_KEYS.allowDowngrade,
        value: "false",
        message:
          `stack ${stack} reports ${JSON.stringify(deployed)} deployed now, which is not a PEP 440 version, so the no-downgrade guard cannot compare it with ${version}; ` +
          `check the stack's backendVersion output, or set ${GUARD_KEYS.allowDowngrade}: true for this update`,
      });
    } else if (compareVersions(version, deployed) < 0) {
      problems.push({
        key: GUARD_KEYS.version,
        value: version,
        message:
          `${version} is lower than ${deployed}, which stack ${stack} runs now; versions may only move forward ` +
          `(>= ${deployed}); to roll back on purpose, set ${GUARD_KEYS.allowDowngrade}: true for this update and unset it afterwards`,
      });
    }
  }

  // Re-applying the version that runs now (a config change) needs no promotion: the
  // source stack may already run or test the next release.
  const deployed = facts.deployedVersion;
  const promotion = deployed === version ? undefined : facts.promotion;
  if (promotion && !promotion.override) {
    const keep = deployed !== undefined && deployed !== promotion.version ? `, or keep ${deployed}, which ${stack} runs now (a re-apply needs no promotion)` : "";
    const override = `${keep}, or set ${GUARD_KEYS.skipPromotionCheck}: true to take it anyway (an emergency, recorded in the stack file)`;
    if (promotion.version === undefined) {
      problems.push({
        key: GUARD_KEYS.promoteFrom,
        value: promotion.fromStack,
        message:
          `stack ${stack} takes only the version ${promotion.fromStack} runs, and ${promotion.fromStack} reports no backendVersion output; ` +
          `deploy ${version} to ${promotion.fromStack} first${override}`,
      });
    } else if (promotion.version !== version) {
      problems.push({
        key: GUARD_KEYS.version,
        value: version,
        message:
          `stack ${stack} takes only the version ${promotion.fromStack} runs, which is ${promotion.version}; ` +
          `deploy ${version} to ${promotion.fromStack} first, or pin ${promotion.version} here${override}`,
      });
    }
  }

  return problems;
}

/** Thrown by {@link assertVersionGuards}: every refusing guard at once. */
export class VersionGuardError extends ConfigError {
  constructor(problems: readonly GuardProblem[]) {
    super(problems, "The backend version is refused by its upgrade guards");
    this.name = "VersionGuardError";
  }
}

/** Throws one {@link VersionGuardError} naming every refusing guard; returns otherwise. */
export function assertVersionGuards(facts: VersionGuardFacts): void {
  const problems = checkVersionGuards(facts);
  if (problems.length > 0) throw new VersionGuardError(problems);
}
