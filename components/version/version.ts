/**
 * The release-version model of a Python package: PEP 440, not SemVer.
 *
 * Pure (no Pulumi): the workflows, the tag rulesets, the backend pin and the
 * upgrade guards all ask this module, so the policy lives in one place.
 */
import * as pep440 from "@renovatebot/pep440";

/** How a PEP 440 version is classified for release purposes. */
export type VersionKind = "final" | "prerelease" | "dev" | "post" | "local";

/** The pre-release phases PEP 440 knows, in its canonical spelling. */
export type PreReleasePhase = "a" | "b" | "rc";

export interface ParsedVersion {
  /** The canonical PEP 440 text, e.g. `0.1.1rc52`. */
  readonly text: string;
  readonly kind: VersionKind;
  readonly epoch: number;
  readonly release: readonly number[];
  /** Set for `a`/`b`/`rc` versions, e.g. `["rc", 52]`. */
  readonly pre?: readonly [PreReleasePhase, number];
}

/** Thrown for anything that is not a usable version; the message says what is allowed. */
export class VersionError extends Error {}

/**
 * Parses a PEP 440 version and insists on its canonical spelling, so that the tag,
 * the wheel name, the image tag and the pin all carry exactly the same text.
 */
export function parseVersion(text: string): ParsedVersion {
  const explained = pep440.valid(text) ? pep440.explain(text) : null;
  if (!explained) {
    throw new VersionError(`${JSON.stringify(text)} is not a PEP 440 version; expected e.g. 0.1.1, 0.1.1rc52 or 1.0.0.dev3`);
  }
  const canonical = canonicalForm(explained);
  if (canonical !== text) {
    throw new VersionError(`${JSON.stringify(text)} is not in canonical PEP 440 form; write ${JSON.stringify(canonical)}`);
  }
  const pre = explained.pre ? ([explained.pre[0] as PreReleasePhase, Number(explained.pre[1])] as const) : undefined;
  return {
    text,
    kind: classify(explained),
    epoch: explained.epoch,
    release: explained.release,
    ...(pre ? { pre } : {}),
  };
}

type Explained = NonNullable<ReturnType<typeof pep440.explain>>;

/**
 * PEP 440's normal form. `pep440.clean` mangles local segments (`+abc.5` -> `+abc,5`),
 * so the local part is normalised here: lower case, `-`/`_` become `.`.
 */
function canonicalForm(v: Explained): string {
  return v.local ? `${v.public}+${v.local.toLowerCase().replace(/[-_]/g, ".")}` : v.public;
}

function classify(v: Explained): VersionKind {
  // Order matters: a local version of a dev pre-release is still first of all local.
  if (v.local) return "local";
  if (v.is_devrelease) return "dev";
  if (v.is_postrelease) return "post";
  if (v.is_prerelease) return "prerelease";
  return "final";
}

/** True when `text` is a canonical PEP 440 version (no throw). */
export function isCanonicalVersion(text: string): boolean {
  const explained = pep440.valid(text) ? pep440.explain(text) : null;
  return explained !== null && canonicalForm(explained) === text;
}

/** PEP 440 ordering: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  return pep440.compare(parseVersion(a).text, parseVersion(b).text);
}

/**
 * Deployable versions are what can run in a cluster and be published as a release:
 * finals and `a`/`b`/`rc` pre-releases of an `X.Y.Z` release with no epoch.
 * Dev, post and local versions are never deployed (local versions cannot even be image
 * tags, `+` is not allowed there).
 */
export function assertDeployable(text: string): ParsedVersion {
  const parsed = parseVersion(text);
  if (parsed.kind !== "final" && parsed.kind !== "prerelease") {
    throw new VersionError(
      `${JSON.stringify(text)} is a ${parsed.kind} version; only final (X.Y.Z) and pre-release (X.Y.Z{a,b,rc}N) versions are deployable`,
    );
  }
  if (parsed.epoch !== 0 || parsed.release.length !== 3) {
    throw new VersionError(
      `${JSON.stringify(text)} is not of the form X.Y.Z or X.Y.Z{a,b,rc}N; deployable versions have exactly three release numbers and no epoch`,
    );
  }
  return parsed;
}

/** The git tag of a release: `<prefix><version>`, e.g. `smartem-decisions-v0.1.1`. */
export function tagForVersion(tagPrefix: string, version: string): string {
  return `${tagPrefix}${parseVersion(version).text}`;
}

/**
 * The version a tag names, or null when the tag is not `<prefix><canonical PEP 440>`
 * (other packages' tags, legacy `v0.0.1`, malformed suffixes).
 */
export function versionFromTag(tagPrefix: string, tag: string): ParsedVersion | null {
  if (!tag.startsWith(tagPrefix)) return null;
  const rest = tag.slice(tagPrefix.length);
  return isCanonicalVersion(rest) ? parseVersion(rest) : null;
}

/** The container image tag of a version (image tags cannot contain `+`). */
export function imageTagForVersion(version: string): string {
  return assertDeployable(version).text;
}

/** The pip requirement that pins a package (with extras) to exactly one version. */
export function requirement(pkg: string, version: string, extras: readonly string[] = []): string {
  const extra = extras.length > 0 ? `[${extras.join(",")}]` : "";
  return `${pkg}${extra}==${parseVersion(version).text}`;
}
