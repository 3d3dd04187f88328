/**
 * Which release a workflow run makes, and with which version: the policy of the
 * release workflow's `version` job, as a pure function ({@link decideRelease}) and as
 * the Python script the job runs ({@link VERSION_SCRIPT}). The two implement the same
 * table; test/release/version-decision.test.ts runs the script against the function
 * for every case of the table, so they cannot drift apart unnoticed.
 *
 *   tag push `<prefix><X.Y.Z>` (final, canonical)  -> stable: PyPI, then GitHub release + image;
 *                                                     `latest` only when no higher final is tagged
 *   tag push, anything else                        -> rejected: the run fails, nothing is published
 *   push to the release branch                     -> rc `<X.Y.Z+1>rc<run number>` after the highest
 *                                                     final tag of this package reachable from the
 *                                                     commit: GitHub pre-release
 *   pull request                                   -> check: build and test with the scm version
 *
 * Only this package's final tags count: another package's tags, legacy `v*` tags and
 * release-candidate tags (which anyone with write access could create) never steer the
 * version. An rc tag that already exists on another commit stops the run.
 */
import { ParsedVersion, parseVersion, versionFromTag } from "../version/version";
import * as pep440 from "@renovatebot/pep440";

export type ReleaseKind = "stable" | "rc" | "check";

/** A tag of the repository, as `git for-each-ref` and `git tag --merged HEAD` see it. */
export interface RepositoryTag {
  readonly name: string;
  /** The commit the tag points to (peeled for annotated tags). */
  readonly commit: string;
  /** Whether the tag is reachable from the commit being built. */
  readonly merged: boolean;
}

export interface ReleaseInput {
  /** `github.event_name`. */
  readonly eventName: string;
  /** `github.ref`, e.g. `refs/tags/smartem-decisions-v0.1.0` or `refs/heads/main`. */
  readonly ref: string;
  /** `github.run_number`: the N of `rcN`, so RC numbers grow with every run (gaps are normal). */
  readonly runNumber: number;
  /** The commit being built (`git rev-parse HEAD`). */
  readonly head?: string;
  /** Every tag of the repository. */
  readonly tags?: readonly RepositoryTag[];
  /** What setuptools_scm computes from the checkout (pull-request checks). */
  readonly scmVersion?: string;
}

export interface ReleaseRules {
  readonly tagPrefix: string;
  readonly branch: string;
}

export type ReleaseDecision =
  | {
      readonly kind: ReleaseKind;
      readonly version: string;
      readonly tag: string;
      readonly prerelease: boolean;
      /** Whether the GitHub release and the image become `latest`. */
      readonly latest: boolean;
    }
  | { readonly kind: "rejected"; readonly reason: string };

const TAG_REF = "refs/tags/";
const BRANCH_REF = "refs/heads/";

/** The version of a release tag `<prefix>X.Y.Z` (final, canonical, no epoch), or null. */
function finalReleaseOf(prefix: string, tag: string): ParsedVersion | null {
  const v = versionFromTag(prefix, tag);
  return v !== null && v.kind === "final" && v.epoch === 0 && v.release.length === 3 ? v : null;
}

/** The final `X.Y.Z` versions of this package's tags. */
function finals(tags: readonly RepositoryTag[], prefix: string, mergedOnly: boolean): string[] {
  return tags
    .filter((t) => !mergedOnly || t.merged)
    .map((t) => finalReleaseOf(prefix, t.name)?.text)
    .filter((v): v is string => v !== undefined);
}

const highest = (versions: readonly string[]): string | undefined => [...versions].sort(pep440.compare).pop();

export function decideRelease(input: ReleaseInput, rules: ReleaseRules): ReleaseDecision {
  const tags = input.tags ?? [];
  if (input.eventName === "push" && input.ref.startsWith(TAG_REF)) {
    const tag = input.ref.slice(TAG_REF.length);
    const parsed = finalReleaseOf(rules.tagPrefix, tag);
    if (!parsed) {
      return {
        kind: "rejected",
        reason: `tag ${tag} is not ${rules.tagPrefix}X.Y.Z with a final canonical PEP 440 version; only such tags release (release candidates are tagged by this workflow)`,
      };
    }
    const top = highest(finals(tags, rules.tagPrefix, false));
    const latest = top === undefined || pep440.compare(parsed.text, top) >= 0;
    return { kind: "stable", version: parsed.text, tag, prerelease: false, latest };
  }
  if (input.eventName === "push" && input.ref === `${BRANCH_REF}${rules.branch}`) {
    const base = parseVersion(highest(finals(tags, rules.tagPrefix, true)) ?? "0.0.0").release;
    const version = `${base[0]}.${base[1]}.${base[2] + 1}rc${input.runNumber}`;
    const tag = `${rules.tagPrefix}${version}`;
    const existing = tags.find((t) => t.name === tag);
    if (existing && existing.commit !== input.head) {
      return {
        kind: "rejected",
        reason: `tag ${tag} already exists on commit ${existing.commit}, not on ${input.head}; it was not made by this run`,
      };
    }
    return { kind: "rc", version, tag, prerelease: true, latest: false };
  }
  if (input.eventName === "pull_request") {
    if (!input.scmVersion || !pep440.valid(input.scmVersion)) {
      return { kind: "rejected", reason: `setuptools_scm version ${input.scmVersion ?? "(none)"} is not PEP 440` };
    }
    return { kind: "check", version: input.scmVersion, tag: "", prerelease: false, latest: false };
  }
  return { kind: "rejected", reason: `event ${input.eventName} on ${input.ref} does not release` };
}

/**
 * The `version` job's script (run by `uvx --with setuptools-scm --with packaging python`):
 * the same rules as {@link decideRelease}, reading its inputs from the environment
 * (EVENT_NAME, GIT_REF, RUN_NUMBER, TAG_PREFIX, RELEASE_BRANCH) and from git, and writing
 * kind/version/tag/prerelease/latest to $GITHUB_OUTPUT. Untrusted values never reach a shell.
 */
export const VERSION_SCRIPT = `import os
import subprocess
import sys

from packaging.version import InvalidVersion, Version

event = os.environ["EVENT_NAME"]
ref = os.environ["GIT_REF"]
run_number = int(os.environ["RUN_NUMBER"])
prefix = os.environ["TAG_PREFIX"]
branch = os.environ["RELEASE_BRANCH"]


def reject(reason):
    print(f"::error title=No release::{reason}")
    sys.exit(1)


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def final(text):
    """The version of a canonical, final X.Y.Z text, else None."""
    try:
        parsed = Version(text)
    except InvalidVersion:
        return None
    ok = (
        str(parsed) == text
        and not (parsed.is_prerelease or parsed.is_postrelease or parsed.local)
        and parsed.epoch == 0
        and len(parsed.release) == 3
    )
    return parsed if ok else None


def repository_tags():
    """name -> (commit, merged) for every tag; annotated tags peeled to their commit."""
    merged = set(run("git", "tag", "--merged", "HEAD").split())
    tags = {}
    for line in run("git", "for-each-ref", "--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)", "refs/tags").splitlines():
        name, obj, peeled = line.split("\\t")
        tags[name] = (peeled or obj, name in merged)
    return tags


def finals_of(tags, merged_only):
    found = []
    for name, (_, merged) in tags.items():
        if name.startswith(prefix) and (merged or not merged_only):
            parsed = final(name[len(prefix):])
            if parsed is not None:
                found.append(parsed)
    return found


latest = "false"
if event == "push" and ref.startswith("refs/tags/"):
    tag = ref[len("refs/tags/"):]
    parsed = final(tag[len(prefix):]) if tag.startswith(prefix) else None
    if parsed is None:
        reject(
            f"tag {tag} is not {prefix}X.Y.Z with a final canonical PEP 440 version; "
            "only such tags release (release candidates are tagged by this workflow)"
        )
    others = finals_of(repository_tags(), merged_only=False)
    latest = "true" if not others or parsed >= max(others) else "false"
    kind, version, prerelease = "stable", str(parsed), "false"
elif event == "push" and ref == f"refs/heads/{branch}":
    tags = repository_tags()
    reachable = finals_of(tags, merged_only=True)
    base = max(reachable).release if reachable else (0, 0, 0)
    version = f"{base[0]}.{base[1]}.{base[2] + 1}rc{run_number}"
    tag = prefix + version
    head = run("git", "rev-parse", "HEAD").strip()
    if tag in tags and tags[tag][0] != head:
        reject(f"tag {tag} already exists on commit {tags[tag][0]}, not on {head}; it was not made by this run")
    kind, prerelease = "rc", "true"
elif event == "pull_request":
    version = run(sys.executable, "-m", "setuptools_scm").strip()
    try:
        Version(version)
    except InvalidVersion:
        reject(f"setuptools_scm version {version} is not PEP 440")
    kind, tag, prerelease = "check", "", "false"
else:
    reject(f"event {event} on {ref} does not release")

with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
    out.write(f"kind={kind}\\nversion={version}\\ntag={tag}\\nprerelease={prerelease}\\nlatest={latest}\\n")
print(f"{kind} release, version {version}" + (f", tag {tag}" if tag else "") + (", latest" if latest == "true" else ""))
`;
