/**
 * Every third-party action the generated workflows use, pinned to a commit.
 * This table is the only place an action reference is written: a workflow step can
 * only name an action through {@link action}, and the renderer writes
 * `owner/repo@<sha> # <tag>`. SHAs come from the verified list in the design
 * (action-pins.tsv); for annotated tags (setup-uv) it is the commit, not the tag object.
 */

export interface ActionPin {
  /** `owner/repo` (or `owner/repo/path` for actions in a subfolder). */
  readonly action: string;
  /** The full 40-hex commit SHA the tag points at. */
  readonly sha: string;
  /** The release tag the SHA was read from, shown as a comment for humans and Renovate. */
  readonly tag: string;
}

const PINS = {
  checkout: { action: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1" },
  setupPython: { action: "actions/setup-python", sha: "5fda3b95a4ea91299a34e894583c3862153e4b97", tag: "v7.0.0" },
  setupUv: { action: "astral-sh/setup-uv", sha: "37802adc94f370d6bfd71619e3f0bf239e1f3b78", tag: "v7.6.0" },
  uploadArtifact: { action: "actions/upload-artifact", sha: "043fb46d1a93c77aae656e7c1c64a875d1fc6a0a", tag: "v7.0.1" },
  downloadArtifact: { action: "actions/download-artifact", sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", tag: "v8.0.1" },
  pypiPublish: { action: "pypa/gh-action-pypi-publish", sha: "dc37677b2e1c63e2034f94d8a5b11f265b73ba33", tag: "v1.14.2" },
  setupBuildx: { action: "docker/setup-buildx-action", sha: "f87e5991a6d7451dcb8d9637bfbc97413f497069", tag: "v4.4.1" },
  dockerLogin: { action: "docker/login-action", sha: "dbcb813823bdd20940b903addbd779551569679f", tag: "v4.6.0" },
  buildPush: { action: "docker/build-push-action", sha: "c3c9e263c25d99ce0380d002d59b67737d91b0dc", tag: "v7.4.0" },
  setupNode: { action: "actions/setup-node", sha: "820762786026740c76f36085b0efc47a31fe5020", tag: "v7.0.0" },
  pulumi: { action: "pulumi/actions", sha: "8e5e406f4007fca908480587cb9893c07090f58d", tag: "v7.0.0" },
  attestBuildProvenance: {
    action: "actions/attest-build-provenance",
    sha: "4d101475d8b20a2381f78447822ac1eab6504dd8",
    tag: "v4.2.2",
  },
} as const satisfies Record<string, ActionPin>;

export type PinnedActionName = keyof typeof PINS;

/** A step's `uses`: only obtainable from the pin table. */
export interface ActionRef extends ActionPin {
  readonly kind: "pinned-action";
}

/** The pinned reference of one action from the table. */
export function action(name: PinnedActionName): ActionRef {
  return { kind: "pinned-action", ...PINS[name] };
}

/** All pins, for tests and documentation. */
export function allPins(): readonly ActionRef[] {
  return (Object.keys(PINS) as PinnedActionName[]).map(action);
}

/** The text of `uses:` (the tag is rendered as a trailing comment beside it). */
export function usesText(ref: ActionRef): string {
  return `${ref.action}@${ref.sha}`;
}

/**
 * Runner images, by version rather than `-latest` (which moves under a workflow without a
 * change here). Bump them here, in one place, like an action pin.
 */
export const RUNNERS = { linux: "ubuntu-24.04", windows: "windows-2025" } as const;

/**
 * Python tools the workflows install, by exact version (like the actions: nothing moves
 * under a release without a change here). `npm run test:python` installs exactly these from
 * PyPI and runs the workflow's own steps with them (test/python/).
 */
export const PYTHON_TOOLS = {
  /** uv itself (setup-uv's `version`): `uv build`, `uv export`, `uvx`. */
  uv: "0.13.9",
  packaging: "26.4",
  setuptoolsScm: "10.3.4",
  /** Reads Metadata-Version 2.4 (License-Expression), which setuptools >= 77 writes. */
  twine: "7.0.0",
  pyinstaller: "6.22.3",
} as const;
