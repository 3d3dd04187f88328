/**
 * A Python package released from a repository: the one model the release workflow,
 * the tag rulesets, the PyPI environment and the trusted-publisher tuple are derived from.
 */
import { z } from "zod";
import { gitBranchName, githubRepositoryName } from "../config/rules";

/** A release-tag prefix: the tag is `<prefix><PEP 440 version>`, e.g. `smartem-decisions-v`. */
export const tagPrefix = z.string().regex(/^[a-z0-9][a-z0-9._-]*-v$/, "not a release-tag prefix");
export const TAG_PREFIX_ALLOWED =
  "lower-case '<name>-v' (letters, digits, '.', '_', '-'), e.g. smartem-decisions-v; no '*', '/' or spaces";

/** A GitHub Actions `paths` filter entry, relative to the repository root. */
const pathFilter = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.startsWith("!"), "paths are relative to the repository root and not negated");

/** A path inside the repository (no leading '/', no '..', no shell metacharacters). */
const repoPath = z
  .string()
  .regex(/^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/, "not a relative path of letters, digits, '.', '_', '-' and '/'")
  .refine((p) => !p.split("/").includes(".."), "'..' is not allowed");

/** A Python module name as PyInstaller's `--hidden-import` takes it. */
const moduleName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "not a dotted Python module name");

/** A file-name-safe word (exe names, asset prefixes). */
const fileWord = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "not a file name of letters, digits, '.', '_' and '-'");

/** A single-file Windows executable built with PyInstaller and attached to the GitHub release. */
export const windowsExeSchema = z.strictObject({
  /** PyInstaller `--name`: the exe is built as `dist/<name>.exe`. */
  name: fileWord,
  /** Script PyInstaller starts from, relative to the package's working directory. */
  entryPoint: repoPath.refine((p) => p.endsWith(".py"), "the entry point is a .py file"),
  /** Modules PyInstaller cannot discover by itself. */
  hiddenImports: z.array(moduleName).default([]),
  /** Extras installed with the package before freezing it, e.g. `agent`. */
  extras: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "not an extra name")).default([]),
  /** The release asset is `<assetPrefix><version>.exe`. */
  assetPrefix: fileWord.refine((p) => p.endsWith("-v"), "the asset prefix ends with '-v'"),
  /** Argument lists the built exe must run successfully with (a smoke test). */
  smokeTests: z
    .array(z.array(z.string().regex(/^[A-Za-z0-9_=.-]+$/, "not a plain argument")))
    .min(1)
    .default([["--help"]]),
});

/** A container image built from the released version once it is installable from PyPI. */
export const containerSchema = z.strictObject({
  /** Image name without tag, e.g. `ghcr.io/diamondlightsource/smartem-decisions` (GHCR, lower case). */
  image: z
    .string()
    .regex(/^ghcr\.io\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$/, "not a lower-case ghcr.io image name"),
  /** Dockerfile, relative to the repository root. */
  dockerfile: repoPath.default("Dockerfile"),
  /** Build context, relative to the repository root. */
  context: repoPath.default("."),
  /** Build argument that receives the version to install from PyPI. */
  versionBuildArg: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "not an upper-case build-arg name"),
  /** Extras the image installs (`<name>[extras]==<version>`): the PyPI probe waits for that requirement. */
  extras: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "not an extra name")).default([]),
});

/**
 * The OpenAPI description of an ASGI app in the package, built the way upstream builds it
 * (tools/publish_openapi.py: import the app, `app.openapi()`, JSON with indent 2 and sorted keys)
 * and attached to every release as `openapi-<version>.json`.
 */
export const openapiSchema = z.strictObject({
  /** `module:attribute` of the app, e.g. `smartem_backend.api_server:app`. */
  app: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/, "not 'module:attribute'"),
  /** Extras installed (from uv.lock) before importing the app, e.g. `backend`. */
  extras: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "not an extra name")).default([]),
  /** Environment the import needs, e.g. `SKIP_DB_INIT=true` so the app does not connect to a database. */
  env: z
    .record(
      z.string().regex(/^[A-Z][A-Z0-9_]*$/, "not an upper-case variable name"),
      z.string().regex(/^[A-Za-z0-9_.:/-]*$/, "not a plain value"),
    )
    .default({}),
});

export const pythonPackageSchema = z.strictObject({
  /** PyPI project name, e.g. `smartem-decisions`. */
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "not a normalised PyPI project name"),
  /** Repository under `smartem:githubOwner` that holds the package. */
  repository: githubRepositoryName,
  tagPrefix,
  /** Changes under these paths build a release candidate on main and run checks on PRs. */
  paths: z.array(pathFilter).min(1, "at least one path is needed"),
  /** Python version the package is built and tested with. */
  pythonVersion: z
    .string()
    .regex(/^3\.\d{1,2}$/, "not a Python 3.x version")
    .default("3.12"),
  /** File name of the release workflow under `.github/workflows/`. */
  workflowFile: z.string().regex(/^[a-z0-9][a-z0-9._-]*\.ya?ml$/, "not a workflow file name"),
  /** GitHub environment the PyPI publish job runs in (PyPI's trusted publisher binds it). */
  pypiEnvironment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, "not an environment name")
    .default("pypi"),
  /** Branch that release candidates are built from and the workflow file is committed to. */
  branch: gitBranchName.default("main"),
  /** Folder of the package's pyproject.toml, relative to the repository root (`.` for the root). */
  workingDirectory: repoPath.default("."),
  /** pytest paths, relative to the working directory. */
  testPaths: z.array(repoPath).min(1).default(["tests"]),
  /** Paths ruff and pyright check, relative to the working directory. */
  lintPaths: z.array(repoPath).min(1).default(["src"]),
  windowsExe: windowsExeSchema.optional(),
  openapi: openapiSchema.optional(),
  container: containerSchema.optional(),
});

export type PythonPackage = z.output<typeof pythonPackageSchema>;
export type PythonPackageInput = z.input<typeof pythonPackageSchema>;

/** smartem-decisions, released from its monorepo (see ADR "SmartEM Package Release Architecture"). */
export const SMARTEM_DECISIONS = {
  name: "smartem-decisions",
  repository: "smartem-decisions",
  tagPrefix: "smartem-decisions-v",
  paths: ["src/smartem_agent/**", "src/smartem_common/**", "src/smartem_backend/api_client.py"],
  pythonVersion: "3.12",
  workflowFile: "release-smartem-decisions.yml",
  pypiEnvironment: "pypi",
  branch: "main",
  workingDirectory: ".",
  testPaths: ["tests/smartem_agent"],
  lintPaths: ["src/smartem_agent", "src/smartem_common"],
  windowsExe: {
    name: "smartem-agent",
    entryPoint: "src/smartem_agent/__main__.py",
    hiddenImports: [
      "watchdog.observers.polling",
      "watchdog.observers.winapi",
      "smartem_common.schemas",
      "smartem_backend.api_client",
    ],
    extras: ["agent"],
    assetPrefix: "smartem-agent-windows-v",
    smokeTests: [["--help"], ["watch", "--help"]],
  },
  openapi: {
    app: "smartem_backend.api_server:app",
    extras: ["backend"],
    // Upstream's tools/publish_openapi.py sets it: the import must not open a database.
    env: { SKIP_DB_INIT: "true" },
  },
  container: {
    image: "ghcr.io/diamondlightsource/smartem-decisions",
    dockerfile: "Dockerfile",
    context: ".",
    versionBuildArg: "SMARTEM_VERSION",
    extras: ["backend", "images"],
  },
} as const satisfies PythonPackageInput;

/**
 * The path of the release workflow file inside the package's repository: where Pulumi commits
 * it, and the workflow part of the identity GitHub Actions signs with (`<repo>/<path>@<ref>`).
 */
export function workflowPath(pkg: Pick<PythonPackage, "workflowFile">): string {
  return `.github/workflows/${pkg.workflowFile}`;
}

/** The package model with its defaults applied (for builders called without stack config). */
export function pythonPackage(input: PythonPackageInput): PythonPackage {
  return pythonPackageSchema.parse(input);
}
