/**
 * Upgrade guards of the backend version pin: which requested versions a stack refuses.
 *
 * Pure (no Pulumi): the program gathers the facts (config, the stack's own last
 * `backendVersion` output, the promotion source's outputs, the time of the run) and asks this
 * module before it registers any resource, so a refused version changes nothing in the cluster.
 */
import { ConfigError, ConfigProblem, formatProblem } from "../config/keys";
import { compareVersions, isCanonicalVersion, parseVersion } from "../version/version";
import { BACKEND_KEY, BackendConfig } from "./config";
import { PROMOTION_EVIDENCE_OUTPUT, RecordedEvidence } from "./promotion-evidence";

export interface VersionGuardFacts {
  readonly stack: string;
  /** requested smartem:backendVersion: deployable, as the config parse has checked */
  readonly version: string;
  readonly allowPrerelease: boolean;
  readonly allowDowngrade: boolean;
  /** the version deployed now, when known (undefined = unknown / first deploy) */
  readonly deployedVersion?: string;
  /** production's promotion rule: the version the source stack (staging) runs */
  readonly promotion?: PromotionFacts;
}

export interface PromotionFacts {
  /** `smartem:promoteFrom`, fully qualified. */
  readonly fromStack: string;
  /** The source stack's backendVersion output (undefined: it reports none). */
  readonly version?: string;
  /** `smartem:skipPromotionCheck`: skips every promotion check, evidence and soak included. */
  readonly override: boolean;
  /**
   * What only a run under the real engine can answer (the source's recorded evidence, the
   * time); absent offline (render, bump), where only the version is compared.
   */
  readonly evidence?: PromotionEvidenceFacts;
}

export interface PromotionEvidenceFacts {
  /** The source stack's promotionEvidence output, as read back. */
  readonly recorded: RecordedEvidence;
  /** The digest this stack pins for the version (`smartem:backendImageDigests`); undefined: none. */
  readonly digest?: string;
  /** `smartem:promotionSoakHours`: hours since the source's rollout before this stack takes the version. */
  readonly soakHours: number;
  /** The time of this run. */
  readonly now: Date;
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
  promotionSoakHours: BACKEND_KEY.promotionSoakHours,
  imageDigests: BACKEND_KEY.backendImageDigests,
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
  if (!facts.promotion?.override) problems.push(...promotionProblems(facts));

  return problems;
}

/**
 * The promotion guard: the version must be the one the source stack runs and, where the
 * evidence can be read (under the real engine), the source's record of it must show its
 * migration and rollout succeeded with the same image digest, at least `soakHours` ago.
 * Ignores `override`; [] for a re-apply of the version deployed now.
 */
function promotionProblems(facts: VersionGuardFacts, waysOut = true): GuardProblem[] {
  const { stack, version, promotion, deployedVersion: deployed } = facts;
  if (!promotion || deployed === version) return [];
  const source = promotion.fromStack;
  const keep =
    deployed !== undefined && deployed !== promotion.version
      ? `, or keep ${deployed}, which ${stack} runs now (a re-apply needs no promotion)`
      : "";
  const override = waysOut
    ? `${keep}, or set ${GUARD_KEYS.skipPromotionCheck}: true to take it anyway (an emergency, recorded in the stack file)`
    : "";
  if (promotion.version === undefined) {
    return [
      {
        key: GUARD_KEYS.promoteFrom,
        value: source,
        message: `stack ${stack} takes only the version ${source} runs, and ${source} reports no backendVersion output; deploy ${version} to ${source} first${override}`,
      },
    ];
  }
  if (promotion.version !== version) {
    return [
      {
        key: GUARD_KEYS.version,
        value: version,
        message:
          `stack ${stack} takes only the version ${source} runs, which is ${promotion.version}; ` +
          `deploy ${version} to ${source} first, or pin ${promotion.version} here${override}`,
      },
    ];
  }
  return promotion.evidence ? evidenceProblems(stack, version, source, promotion.evidence, override) : [];
}

function evidenceProblems(
  stack: string,
  version: string,
  source: string,
  facts: PromotionEvidenceFacts,
  override: string,
): GuardProblem[] {
  const redeploy = `run \`pulumi up\` on ${source} to record it again`;
  const onSource = (message: string): GuardProblem => ({ key: GUARD_KEYS.promoteFrom, value: source, message });
  const recorded = facts.recorded;
  if (recorded.kind === "none") {
    return [
      onSource(
        `stack ${stack} takes only a version ${source} has proved, and ${source} records no ${PROMOTION_EVIDENCE_OUTPUT} output ` +
          `(its last successful \`pulumi up\` predates the record); run \`pulumi up\` on ${source} to record it for ${version}${override}`,
      ),
    ];
  }
  if (recorded.kind === "invalid") {
    return [
      onSource(
        `the ${PROMOTION_EVIDENCE_OUTPUT} output of ${source} is not a promotion record (${recorded.problem}); ${redeploy}${override}`,
      ),
    ];
  }
  const evidence = recorded.evidence;
  if (evidence.version !== version) {
    return [
      onSource(
        `the ${PROMOTION_EVIDENCE_OUTPUT} output of ${source} is for ${evidence.version}, not ${version}, which its backendVersion output reports; ${redeploy}${override}`,
      ),
    ];
  }

  const problems: GuardProblem[] = [];
  if (evidence.migration !== "completed") {
    problems.push(
      onSource(
        `${source} rolled out ${version} without running its migration (a rollback below a newer schema, and its record never showed ${version}'s own migration there), so nothing there proves ${version}'s migration; ` +
          `deploy ${version} to a stack that runs its migration first${override}`,
      ),
    );
  }
  const digestProblem = digestMismatch(stack, version, source, evidence.digest, facts.digest);
  if (digestProblem) problems.push({ ...digestProblem, message: digestProblem.message + override });

  if (facts.soakHours > 0) {
    const soak = `${facts.soakHours} h soak`;
    if (evidence.rolledOutAt === undefined) {
      problems.push(
        onSource(
          `the record of ${version} on ${source} has no rollout time (its Deployments' status did not show the completed rollout when read back), so the ${soak} cannot be measured; ` +
            `run \`pulumi refresh\` and \`pulumi up\` on ${source} to record it again${override}`,
        ),
      );
    } else {
      const rolledOut = Date.parse(evidence.rolledOutAt);
      const until = rolledOut + facts.soakHours * HOUR_MS;
      const left = until - facts.now.getTime();
      if (left > 0) {
        const skew =
          rolledOut > facts.now.getTime() ? ` (the time ${source}'s cluster stamped is ahead of this machine's clock)` : "";
        problems.push({
          key: GUARD_KEYS.promotionSoakHours,
          value: String(facts.soakHours),
          message:
            `${source} rolled out ${version} at ${evidence.rolledOutAt}; ${formatDuration(left)} of the ${soak} left (until ${new Date(until).toISOString()})${skew}; ` +
            `promote it then, or lower ${GUARD_KEYS.promotionSoakHours}${override}`,
        });
      }
    }
  }
  return problems;
}

/** The digest this stack pins must be the one the source ran; a pin on one side only is refused too. */
function digestMismatch(
  stack: string,
  version: string,
  source: string,
  ran: string | undefined,
  pinned: string | undefined,
): GuardProblem | undefined {
  const key = GUARD_KEYS.imageDigests;
  if (ran === pinned) return undefined;
  if (pinned === undefined) {
    return {
      key,
      value: `(none for ${version})`,
      message:
        `${source} ran ${version} as ${ran}, and stack ${stack} pins no digest for ${version}, so it would run whatever the tag names when its pods start; ` +
        `pin the same digest here (\`npm run bump -- --stack ${stack} --version ${version}\` verifies and records it)`,
    };
  }
  if (ran === undefined) {
    return {
      key,
      value: pinned,
      message:
        `stack ${stack} pins ${version} as ${pinned}, and ${source} ran ${version} by its tag alone (no digest pinned), so nothing proves it ran these bytes; ` +
        `pin the digest on ${source} (\`npm run bump -- --stack <its stack> --version ${version}\`) and let it roll out there first`,
    };
  }
  return {
    key,
    value: pinned,
    message:
      `${source} ran ${version} as ${ran}, other bytes than ${pinned} pinned here (the tag was pushed again?); ` +
      `pin the digest ${source} ran, or roll the one pinned here out on ${source} first`,
  };
}

const HOUR_MS = 3_600_000;

/** `5h 12m`, `12m`, rounded up to the minute: the wait is never understated. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
}

/**
 * What to say loudly when `smartem:skipPromotionCheck` lets a version through: what the
 * promotion check would have refused, or that it is not needed. Undefined when it changes
 * nothing (no promotion rule, no override, or a re-apply).
 */
export function promotionOverrideWarning(facts: VersionGuardFacts): string | undefined {
  const promotion = facts.promotion;
  if (!promotion?.override || facts.deployedVersion === facts.version) return undefined;
  const skipped = promotionProblems({ ...facts, promotion: { ...promotion, override: false } }, false);
  const head = `${GUARD_KEYS.skipPromotionCheck} is true: stack ${facts.stack} takes ${facts.version} without the promotion check from ${promotion.fromStack}`;
  return skipped.length === 0
    ? `${head}, which it would pass anyway; unset ${GUARD_KEYS.skipPromotionCheck}`
    : `${head}, which refuses it:\n${skipped.map((p) => `    ${formatProblem(p)}`).join("\n")}\n  Unset ${GUARD_KEYS.skipPromotionCheck} once the emergency is over.`;
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

/** Hours a promoting stack waits after its source's rollout unless smartem:promotionSoakHours says otherwise. */
export const DEFAULT_PROMOTION_SOAK_HOURS = 24;

/** A stack's promotion rule, from `smartem:promoteFrom` and the keys that qualify it. */
export interface PromotionPolicy {
  readonly fromStack: string;
  readonly soakHours: number;
  readonly override: boolean;
}

/** The promotion rule of a stack, undefined without `smartem:promoteFrom`. */
export function promotionPolicy(config: BackendConfig): PromotionPolicy | undefined {
  if (config.promoteFrom === undefined) return undefined;
  return {
    fromStack: config.promoteFrom,
    soakHours: config.promotionSoakHours ?? DEFAULT_PROMOTION_SOAK_HOURS,
    override: config.skipPromotionCheck,
  };
}
