/**
 * A Python package released from a repository: the one model the release workflow,
 * the tag rulesets, the PyPI environment and the trusted-publisher tuple are derived from.
 */
import { z } from "zod";
import { githubRepositoryName } from "../config/rules";

/** A release-tag prefix: the tag is `<prefix><PEP 440 version>`, e.g. `smartem-decisions-v`. */
export const tagPrefix = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*-v$/, "not a release-tag prefix");
export const TAG_PREFIX_ALLOWED = "lower-case '<name>-v' (letters, digits, '.', '_', '-'), e.g. smartem-decisions-v; no '*', '/' or spaces";

/** A GitHub Actions `paths` filter entry, relative to the repository root. */
const pathFilter = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.startsWith("!"), "paths are relative to the repository root and not negated");

export const pythonPackageSchema = z.strictObject({
  /** PyPI project name, e.g. `smartem-decisions`. */
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "not a normalised PyPI project name"),
  /** Repository under `smartem:githubOwner` that holds the package. */
  repository: githubRepositoryName,
  tagPrefix,
  /** Changes under these paths build a release candidate on main and run checks on PRs. */
  paths: z.array(pathFilter).min(1, "at least one path is needed"),
  /** Python version the package is built and tested with. */
  pythonVersion: z.string().regex(/^3\.\d{1,2}$/, "not a Python 3.x version").default("3.12"),
  /** File name of the release workflow under `.github/workflows/`. */
  workflowFile: z.string().regex(/^[a-z0-9][a-z0-9._-]*\.ya?ml$/, "not a workflow file name"),
  /** GitHub environment the PyPI publish job runs in (PyPI's trusted publisher binds it). */
  pypiEnvironment: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, "not an environment name").default("pypi"),
});

export type PythonPackage = z.output<typeof pythonPackageSchema>;

/** smartem-decisions, released from its monorepo (see ADR "SmartEM Package Release Architecture"). */
export const SMARTEM_DECISIONS = {
  name: "smartem-decisions",
  repository: "smartem-decisions",
  tagPrefix: "smartem-decisions-v",
  paths: ["src/smartem_agent/**", "src/smartem_common/**", "src/smartem_backend/api_client.py"],
  pythonVersion: "3.12",
  workflowFile: "release-smartem-decisions.yml",
  pypiEnvironment: "pypi",
} as const satisfies z.input<typeof pythonPackageSchema>;
