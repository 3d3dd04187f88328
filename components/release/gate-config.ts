/**
 * Stack config of the release gate: who may create stable tags, which legacy tags are
 * frozen, and who approves PyPI uploads. Cross-key rules (reviewers where GitHub is managed,
 * plan vs visibility, legacy repositories, overlapping tag prefixes) are checked by
 * {@link refineReleaseGateConfig} once all keys parsed.
 */
import { z } from "zod";
import { ConfigProblem, ConfigValues, Refined, UNSET_MARKER, configKeys, key } from "../config/keys";
import { GITHUB_REPOSITORY_ALLOWED, githubRepositoryName } from "../config/rules";
import { GITHUB_KEY, GitHubPlan, RepositoryVisibility } from "../github/config";
import { REF_PATTERN_ALLOWED, RefPatternError, assertSupportedRefPattern } from "../github/ref-pattern";
import { RELEASE_KEY } from "./config";
import { PythonPackage } from "./package";
import { MAX_REVIEWERS, MAX_WAIT_TIMER_MINUTES } from "./pypi-environment";
import { DEFAULT_STABLE_TAG_CREATORS, REPOSITORY_ROLE } from "./tag-rules";

/** The GitHub App behind GITHUB_TOKEN: as a bypass actor it would let any workflow create stable tags. */
export const GITHUB_ACTIONS_APP_ID = 15368;

const ACTOR_TYPES = ["RepositoryRole", "Team", "Integration"] as const;
const BYPASS_MODES = ["always", "exempt"] as const;

const githubId = z.number().int("not an integer id").positive("ids are positive integers");

const bypassActor = z
  .strictObject({
    actorType: z.enum(ACTOR_TYPES, { error: `unknown actor type; allowed: ${ACTOR_TYPES.join(", ")}` }),
    actorId: githubId,
    bypassMode: z
      .enum(BYPASS_MODES, {
        error: "a tag is never created through a pull request, so only always or exempt make sense",
      })
      .default("always"),
  })
  .superRefine((actor, ctx) => {
    if (
      actor.actorType === "RepositoryRole" &&
      actor.actorId !== REPOSITORY_ROLE.maintain &&
      actor.actorId !== REPOSITORY_ROLE.admin
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["actorId"],
        message:
          actor.actorId === REPOSITORY_ROLE.write
            ? "the write role (4) would let every writer create stable tags, which this ruleset exists to prevent"
            : "not a repository role id GitHub defines for maintain (2) or admin (5)",
      });
    }
    if (actor.actorType === "Integration" && actor.actorId === GITHUB_ACTIONS_APP_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["actorId"],
        message: "15368 is GitHub Actions (GITHUB_TOKEN): any workflow could then create stable tags",
      });
    }
  });

const legacyPattern = z.string().superRefine((pattern, ctx) => {
  try {
    assertSupportedRefPattern(pattern);
  } catch (error) {
    if (!(error instanceof RefPatternError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
    return;
  }
  if (pattern.startsWith("refs/")) ctx.addIssue({ code: "custom", message: "write the tag pattern without refs/tags/" });
});

export const REVIEWERS_ALLOWED = `{users: [GitHub user ids], teams: [GitHub team ids]} with 1 to ${MAX_REVIEWERS} ids in all (numeric ids, e.g. gh api users/<login> --jq .id)`;

/** Required reviewers of an environment: 1 to 6 distinct ids; `none` says why nobody is not enough. */
export function reviewersSchema(none: string) {
  return z.strictObject({ users: z.array(githubId).default([]), teams: z.array(githubId).default([]) }).superRefine((r, ctx) => {
    const count = r.users.length + r.teams.length;
    if (count === 0) ctx.addIssue({ code: "custom", message: none });
    if (count > MAX_REVIEWERS)
      ctx.addIssue({ code: "custom", message: `${count} reviewers; GitHub allows at most ${MAX_REVIEWERS}` });
    for (const field of ["users", "teams"] as const) {
      const list = r[field];
      list.forEach((id, i) => {
        if (list.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: [field, i], message: `${id} is listed twice` });
      });
    }
  });
}

export const releaseGateConfig = {
  stableTagCreators: key({
    schema: z
      .array(bypassActor)
      .min(1, "nobody could create a stable release tag")
      .default(DEFAULT_STABLE_TAG_CREATORS.map((a) => ({ ...a })))
      .superRefine((actors, ctx) => {
        const seen = new Set<string>();
        actors.forEach((a, i) => {
          const id = `${a.actorType}:${a.actorId}`;
          if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i], message: `${id} is listed twice` });
          seen.add(id);
        });
      }),
    description:
      "Who may create stable release tags (bypass actors of the stable-tag creation ruleset); everyone else gets only release candidates.",
    allowed: `a non-empty list of {actorType: ${ACTOR_TYPES.join("|")}, actorId, bypassMode: ${BYPASS_MODES.join("|")} (default always)}; RepositoryRole ids 2 (maintain) or 5 (admin)`,
  }),
  legacyReleaseTags: key({
    schema: z
      .record(
        githubRepositoryName,
        z.array(legacyPattern).min(1, "an empty list protects nothing; remove the repository instead"),
      )
      .default({}),
    description: "Historic release tags outside the package tag namespaces, made immutable too (e.g. v0.0.1, test-v0.0.1).",
    allowed: `a map from repository name (${GITHUB_REPOSITORY_ALLOWED}) to a non-empty list of tag patterns without refs/tags/: ${REF_PATTERN_ALLOWED}`,
  }),
  pypiReviewers: key({
    schema: reviewersSchema("no reviewer: every PyPI upload needs a person's approval")
      // Required where the stack manages GitHub (smartem:manageGithub): see refineReleaseGateConfig.
      .optional(),
    description: "Required reviewers of the PyPI environment (admins cannot bypass them; nobody approves their own run).",
    allowed: REVIEWERS_ALLOWED,
  }),
  pypiWaitTimer: key({
    schema: z.number().int().min(0).max(MAX_WAIT_TIMER_MINUTES).default(0),
    description: "Minutes the PyPI environment waits after approval before the upload may start.",
    allowed: `an integer from 0 to ${MAX_WAIT_TIMER_MINUTES} (30 days)`,
  }),
} as const;

/** The fully qualified keys these rules name. */
const KEY = { ...GITHUB_KEY, ...RELEASE_KEY, ...configKeys(releaseGateConfig) };

export type PypiReviewers = NonNullable<ConfigValues<typeof releaseGateConfig>["pypiReviewers"]>;

/** Whether the stack manages GitHub, as the rules across keys leave it: a managing stack names its PyPI reviewers. */
export type GithubManagementConfig =
  | { readonly manageGithub: true; readonly pypiReviewers: PypiReviewers }
  | { readonly manageGithub: false; readonly pypiReviewers?: PypiReviewers };

/** The parsed values {@link refineReleaseGateConfig} needs. */
export interface ReleaseGateSettings {
  readonly manageGithub: boolean;
  readonly pypiReviewers?: PypiReviewers;
  readonly packages: readonly PythonPackage[];
  readonly githubPlan: GitHubPlan;
  readonly repositoryVisibility: Readonly<Record<string, RepositoryVisibility>>;
  readonly legacyReleaseTags: Readonly<Record<string, readonly string[]>>;
}

/**
 * Rules across keys (run by loadStackConfig once every key parsed): a stack that manages
 * GitHub names the PyPI reviewers; GitHub offers rulesets and custom deployment policies on
 * private repositories only with Pro/Team/Enterprise, required reviewers only with Enterprise
 * (public repositories have all of them on every plan); `internal` exists only in
 * Enterprise; legacy tags belong to a managed repository; one environment per package.
 */
export function refineReleaseGateConfig<V extends ReleaseGateSettings>(settings: V): Refined<V & GithubManagementConfig> {
  const problems: ConfigProblem[] = [];
  if (settings.manageGithub && settings.pypiReviewers === undefined) {
    problems.push({
      key: KEY.pypiReviewers,
      value: UNSET_MARKER,
      message: `required: the PyPI environment exists to make a person approve every upload; allowed: ${REVIEWERS_ALLOWED}`,
    });
  }
  const plan = settings.githubPlan;
  const repositories = [...new Set(settings.packages.map((p) => p.repository))];

  for (const [repository, visibility] of Object.entries(settings.repositoryVisibility)) {
    if (!repositories.includes(repository)) {
      problems.push({
        key: `${KEY.repositoryVisibility}.${repository}`,
        value: JSON.stringify(visibility),
        message: `${repository} is not a repository of ${KEY.packages}, so this entry would be ignored; allowed: one of ${repositories.join(", ")}`,
      });
      continue;
    }
    if (visibility === "public") continue;
    const fix = `make ${repository} public, or set ${KEY.githubPlan} to enterprise if the owner has it`;
    const message =
      visibility === "internal" && plan !== "enterprise"
        ? `internal repositories exist only on GitHub Enterprise, but ${KEY.githubPlan} is ${plan}`
        : plan !== "enterprise"
          ? `required reviewers on an environment of a ${visibility} repository need GitHub Enterprise (${KEY.githubPlan} is ${plan}${plan === "free" ? "; Free has no tag rulesets or deployment policies there either" : ""})`
          : undefined;
    if (message) {
      problems.push({
        key: `${KEY.repositoryVisibility}.${repository}`,
        value: JSON.stringify(visibility),
        message: `${message}; allowed: ${fix}`,
      });
    }
  }

  for (const repository of Object.keys(settings.legacyReleaseTags)) {
    if (!repositories.includes(repository)) {
      problems.push({
        key: `${KEY.legacyReleaseTags}.${repository}`,
        value: JSON.stringify(settings.legacyReleaseTags[repository]),
        message: `${repository} is not a repository of ${KEY.packages}; allowed: one of ${repositories.join(", ")}`,
      });
    }
  }

  settings.packages.forEach((p, i) => {
    const wider = settings.packages.find((q) => q !== p && p.tagPrefix.startsWith(q.tagPrefix));
    if (wider) {
      problems.push({
        key: `${KEY.packages}.${i}.tagPrefix`,
        value: JSON.stringify(p.tagPrefix),
        message: `tags ${p.tagPrefix}* would also match ${wider.name}'s pattern ${wider.tagPrefix}* (its rulesets, environment and workflow trigger); allowed: a prefix that neither starts with nor is the start of another package's prefix`,
      });
    }
  });

  const environments = new Map<string, string>();
  settings.packages.forEach((p, i) => {
    const id = `${p.repository}/${p.pypiEnvironment}`;
    const other = environments.get(id);
    if (other) {
      problems.push({
        key: `${KEY.packages}.${i}.pypiEnvironment`,
        value: JSON.stringify(p.pypiEnvironment),
        message: `${other} already publishes from environment ${p.pypiEnvironment} of ${p.repository}; allowed: an environment name unique within the repository, e.g. pypi-${p.name}`,
      });
    }
    environments.set(id, p.name);
  });
  // The first rule above is what the union says: a managing stack has its reviewers.
  return problems.length > 0 ? { problems } : { config: settings as V & GithubManagementConfig };
}
