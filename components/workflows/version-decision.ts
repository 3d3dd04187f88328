/**
 * Which release a workflow run makes, and with which version: the policy of the
 * release workflow's `version` job, as a pure function ({@link decideRelease}) and as
 * the Python script the job runs ({@link VERSION_SCRIPT}). The two implement the same
 * table; test/workflows/version-decision.test.ts runs the script against the function
 * for every case of the table, so they cannot drift apart unnoticed.
 *
 *   tag push `<prefix><X.Y.Z>` (final, canonical)  -> stable: GitHub release + PyPI + image
 *   tag push, anything else                        -> rejected: the run fails, nothing is published
 *   push to the release branch                     -> rc `<X.Y.Z>rc<run number>`: GitHub pre-release
 *   pull request                                   -> check: build and test with the scm version
 */
import * as pep440 from "@renovatebot/pep440";
import { versionFromTag } from "../version/version";

export type ReleaseKind = "stable" | "rc" | "check";

export interface ReleaseInput {
  /** `github.event_name`. */
  readonly eventName: string;
  /** `github.ref`, e.g. `refs/tags/smartem-decisions-v0.1.0` or `refs/heads/main`. */
  readonly ref: string;
  /** `github.run_number`: the N of `rcN`, so RC numbers grow with every run (gaps are normal). */
  readonly runNumber: number;
  /** What setuptools_scm computes from the checkout (needed for branch pushes and PRs). */
  readonly scmVersion?: string;
}

export interface ReleaseRules {
  readonly tagPrefix: string;
  readonly branch: string;
}

export type ReleaseDecision =
  | { readonly kind: ReleaseKind; readonly version: string; readonly tag: string; readonly prerelease: boolean }
  | { readonly kind: "rejected"; readonly reason: string };

const TAG_REF = "refs/tags/";
const BRANCH_REF = "refs/heads/";

export function decideRelease(input: ReleaseInput, rules: ReleaseRules): ReleaseDecision {
  if (input.eventName === "push" && input.ref.startsWith(TAG_REF)) {
    const tag = input.ref.slice(TAG_REF.length);
    const parsed = versionFromTag(rules.tagPrefix, tag);
    if (!parsed || parsed.kind !== "final" || parsed.epoch !== 0 || parsed.release.length !== 3) {
      return {
        kind: "rejected",
        reason: `tag ${tag} is not ${rules.tagPrefix}X.Y.Z with a final canonical PEP 440 version; only such tags release (release candidates are tagged by this workflow)`,
      };
    }
    return { kind: "stable", version: parsed.text, tag, prerelease: false };
  }
  if (input.eventName === "push" && input.ref === `${BRANCH_REF}${rules.branch}`) {
    const explained = input.scmVersion && pep440.valid(input.scmVersion) ? pep440.explain(input.scmVersion) : null;
    if (!explained || explained.epoch !== 0 || explained.release.length > 3) {
      return { kind: "rejected", reason: `setuptools_scm version ${input.scmVersion ?? "(none)"} is not X.Y.Z-based` };
    }
    const release = [...explained.release, 0, 0].slice(0, 3);
    // A commit that carries a final tag already is that release: the next RC is of the next patch.
    const isFinal = !explained.is_prerelease && !explained.is_postrelease && !explained.local;
    if (isFinal) release[2] = (release[2] ?? 0) + 1;
    const version = `${release.join(".")}rc${input.runNumber}`;
    return { kind: "rc", version, tag: `${rules.tagPrefix}${version}`, prerelease: true };
  }
  if (input.eventName === "pull_request") {
    if (!input.scmVersion || !pep440.valid(input.scmVersion)) {
      return { kind: "rejected", reason: `setuptools_scm version ${input.scmVersion ?? "(none)"} is not PEP 440` };
    }
    return { kind: "check", version: input.scmVersion, tag: "", prerelease: false };
  }
  return { kind: "rejected", reason: `event ${input.eventName} on ${input.ref} does not release` };
}

/**
 * The `version` job's script (run by `uvx --with setuptools_scm python`): the same
 * rules as {@link decideRelease}, reading its inputs from the environment
 * (EVENT_NAME, GIT_REF, RUN_NUMBER, TAG_PREFIX, RELEASE_BRANCH) and writing
 * kind/version/tag/prerelease to $GITHUB_OUTPUT. Untrusted values never reach a shell.
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


def scm_version():
    text = subprocess.run(
        [sys.executable, "-m", "setuptools_scm"], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        return text, Version(text)
    except InvalidVersion:
        reject(f"setuptools_scm version {text} is not PEP 440")


if event == "push" and ref.startswith("refs/tags/"):
    tag = ref[len("refs/tags/"):]
    text = tag[len(prefix):] if tag.startswith(prefix) else ""
    try:
        parsed = Version(text)
    except InvalidVersion:
        parsed = None
    final = (
        parsed is not None
        and str(parsed) == text
        and not (parsed.is_prerelease or parsed.is_postrelease or parsed.local)
        and parsed.epoch == 0
        and len(parsed.release) == 3
    )
    if not final:
        reject(
            f"tag {tag} is not {prefix}X.Y.Z with a final canonical PEP 440 version; "
            "only such tags release (release candidates are tagged by this workflow)"
        )
    kind, version, prerelease = "stable", text, "false"
elif event == "push" and ref == f"refs/heads/{branch}":
    text, parsed = scm_version()
    if parsed.epoch != 0 or len(parsed.release) > 3:
        reject(f"setuptools_scm version {text} is not X.Y.Z-based")
    release = (list(parsed.release) + [0, 0])[:3]
    if not (parsed.is_prerelease or parsed.is_postrelease or parsed.local):
        release[2] += 1
    version = ".".join(map(str, release)) + f"rc{run_number}"
    kind, tag, prerelease = "rc", prefix + version, "true"
elif event == "pull_request":
    version, _ = scm_version()
    kind, tag, prerelease = "check", "", "false"
else:
    reject(f"event {event} on {ref} does not release")

with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
    out.write(f"kind={kind}\\nversion={version}\\ntag={tag}\\nprerelease={prerelease}\\n")
print(f"{kind} release, version {version}" + (f", tag {tag}" if tag else ""))
`;
