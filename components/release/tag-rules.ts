/**
 * The tag rulesets of a released package, as pure data (see docs/design.md, "Tag protection
 * and the PyPI environment", for the reasoning behind every pattern).
 *
 * Two rulesets per package, both over every tag of the package's namespace:
 * - immutable: no deletion, no update, no non-fast-forward, and no bypass actor;
 * - stable creation: only the configured actors may create a tag, except the release
 *   candidates `<prefix><digit>...rc<digit>...` that the release workflow creates with
 *   GITHUB_TOKEN (github-actions is no bypass actor, so it must not be covered).
 * Plus one immutable ruleset per repository for legacy tag namespaces from config.
 */
import { RefCondition, conditionApplies } from "../github/ref-pattern";
import { PythonPackage } from "./package";

/** Who may bypass a ruleset: a repository role, a team or a GitHub App (ids as GitHub's API). */
export interface BypassActor {
  readonly actorType: "RepositoryRole" | "Team" | "Integration";
  readonly actorId: number;
  /** `always` (bypass is logged in rule insights) or `exempt` (rules do not apply). */
  readonly bypassMode: "always" | "exempt";
}

/** The repository-role actor ids GitHub uses for the base roles. */
export const REPOSITORY_ROLE = { maintain: 2, write: 4, admin: 5 } as const;

/** Secure default: maintainers and admins create stable tags, nobody else. */
export const DEFAULT_STABLE_TAG_CREATORS: readonly BypassActor[] = [
  { actorType: "RepositoryRole", actorId: REPOSITORY_ROLE.maintain, bypassMode: "always" },
  { actorType: "RepositoryRole", actorId: REPOSITORY_ROLE.admin, bypassMode: "always" },
];

/** The rules a tag ruleset sets (all others are off). */
export interface TagRules {
  readonly creation?: true;
  readonly update?: true;
  readonly deletion?: true;
  readonly nonFastForward?: true;
}

/** One `github.RepositoryRuleset` with `target: "tag"`, as data. */
export interface TagRuleset {
  readonly name: string;
  readonly repository: string;
  readonly target: "tag";
  readonly enforcement: "active";
  readonly conditions: { readonly refName: RefCondition };
  readonly rules: TagRules;
  readonly bypassActors: readonly BypassActor[];
}

const TAGS = "refs/tags/";

/** Moving or deleting a release tag would rewrite what a published version means. */
const IMMUTABLE: TagRules = { deletion: true, update: true, nonFastForward: true };

/**
 * Every tag of the package's namespace, as full refs: `<prefix>*` (fnmatch `*` stops at
 * `/`) and `<prefix>*` + `/` + `**` + `/` + `*` for tags with slashes, so no tag under
 * the prefix escapes.
 */
export function releaseTagRefPatterns(pkg: PythonPackage): string[] {
  return [`${TAGS}${pkg.tagPrefix}*`, `${TAGS}${pkg.tagPrefix}*/**/*`];
}

/**
 * The release candidates the workflow creates, `<prefix>X.Y.ZrcN`: a digit first and
 * `rc` followed by a digit. A canonical PEP 440 final version has only digits, dots and
 * an epoch `N!`, so it never contains `rc`: no stable tag is excluded.
 */
export function releaseCandidateRefPatterns(pkg: PythonPackage): string[] {
  return [`${TAGS}${pkg.tagPrefix}[0-9]*rc[0-9]*`];
}

/** The short tag pattern of the package's releases (environment policies, workflow triggers). */
export function releaseTagPattern(pkg: PythonPackage): string {
  return `${pkg.tagPrefix}*`;
}

export function immutableTagsRuleset(pkg: PythonPackage): TagRuleset {
  return {
    name: `${pkg.name}-release-tags-immutable`,
    repository: pkg.repository,
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes: releaseTagRefPatterns(pkg), excludes: [] } },
    rules: IMMUTABLE,
    // No bypass: fixing a bad tag means disabling the ruleset, which is itself audited.
    bypassActors: [],
  };
}

export function stableTagCreationRuleset(pkg: PythonPackage, creators: readonly BypassActor[]): TagRuleset {
  return {
    name: `${pkg.name}-stable-tag-creation`,
    repository: pkg.repository,
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes: releaseTagRefPatterns(pkg), excludes: releaseCandidateRefPatterns(pkg) } },
    rules: { creation: true },
    bypassActors: creators,
  };
}

/** The tag rulesets of one package. */
export function packageTagRulesets(pkg: PythonPackage, creators: readonly BypassActor[]): TagRuleset[] {
  return [immutableTagsRuleset(pkg), stableTagCreationRuleset(pkg, creators)];
}

/**
 * Historic release tags outside the package namespaces (e.g. `v0.0.1`, `test-v0.0.1`):
 * immutable, no bypass. `patterns` are short tag patterns without `refs/tags/`.
 */
export function legacyTagsRuleset(repository: string, patterns: readonly string[]): TagRuleset {
  return {
    name: "legacy-release-tags-immutable",
    repository,
    target: "tag",
    enforcement: "active",
    conditions: { refName: { includes: patterns.map((p) => `${TAGS}${p}`), excludes: [] } },
    rules: IMMUTABLE,
    bypassActors: [],
  };
}

/** The rulesets that apply to a tag (short name, e.g. `smartem-decisions-v0.1.0`). */
export function rulesetsForTag(rulesets: readonly TagRuleset[], tag: string): TagRuleset[] {
  return rulesets.filter((r) => conditionApplies(r.conditions.refName, `${TAGS}${tag}`));
}
