/**
 * Stack config for the benchmark (`npm run bench`, scripts/bench-many.ts): the dev stack with n distinct
 * packages, so the cost of release workflows can be measured as packages grow.
 */
import { KEY } from "../../components/program-config";
import { EvaluateOptions } from "../engine/evaluate";
import { offlineOptions } from "../engine/offline";
import { PythonPackageInput, SMARTEM_DECISIONS } from "../../components/release/package";

/** Packages spread over this many repositories (several workflows per repository). */
const REPOSITORIES = 10;

/** Package i (0-based): smartem-decisions first, then alternately with and without exe and image. */
function benchPackage(i: number): PythonPackageInput {
  if (i === 0) return SMARTEM_DECISIONS;
  const name = `bench-package-${i}`;
  return {
    name,
    repository: `bench-repository-${i % REPOSITORIES}`,
    tagPrefix: `${name}-v`,
    paths: [`packages/${name}/**`],
    workflowFile: `release-${name}.yml`,
    workingDirectory: `packages/${name}`,
    // One PyPI environment per package within a repository (the release gate requires it).
    pypiEnvironment: `pypi-${name}`,
    ...(i % 2 === 1
      ? { windowsExe: { name, entryPoint: `src/bench_package_${i}/__main__.py`, assetPrefix: `${name}-windows-v` } }
      : { container: { image: `ghcr.io/bench/${name}`, versionBuildArg: "VERSION" } }),
  };
}

/**
 * The offline evaluation of a stack with `n` packages, managing GitHub (so every package
 * costs its workflow, rulesets and environment on every stack). Each stack gets an owner of
 * its own: two stack files may not manage the same repository.
 */
export function manyPackagesOptions(n: number, stack = "dev"): EvaluateOptions {
  if (!Number.isInteger(n) || n < 1) throw new Error(`manyPackagesOptions(${n}): n is a whole number of packages, at least 1`);
  const packages = Array.from({ length: n }, (_, i) => benchPackage(i));
  const base = offlineOptions(stack);
  return {
    ...base,
    config: {
      ...base.config,
      [KEY.manageGithub]: "true",
      [KEY.githubOwner]: `bench-owner-${stack}`,
      [KEY.pypiReviewers]: base.config[KEY.pypiReviewers] ?? JSON.stringify({ teams: [1] }),
      [KEY.packages]: JSON.stringify(packages),
    },
  };
}
