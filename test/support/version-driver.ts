/**
 * Runs the release workflow's version script (VERSION_SCRIPT) for many cases in one Python
 * process (test/support/version-driver.py), so the table costs one interpreter start, not one per case.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { RepositoryTag, VERSION_SCRIPT } from "../../components/release/version-decision";

export interface DriverCase {
  /** EVENT_NAME, GIT_REF, RUN_NUMBER, TAG_PREFIX, RELEASE_BRANCH. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the script runs its real git and setuptools_scm (cases without `fake`). */
  readonly cwd?: string;
  /** Answers for git and setuptools_scm, without starting them. */
  readonly fake?: { readonly head?: string; readonly tags: readonly RepositoryTag[]; readonly scm: string };
}

export interface DriverResult {
  readonly status: number;
  readonly stdout: string;
  /** The `name=value` lines the script wrote to $GITHUB_OUTPUT. */
  readonly outputs: Readonly<Record<string, string>>;
}

const DRIVER = path.join(__dirname, "version-driver.py");

export function runVersionCases(
  python: string,
  cases: readonly DriverCase[],
  env: NodeJS.ProcessEnv = process.env,
): DriverResult[] {
  const run = spawnSync(python, [DRIVER], {
    input: JSON.stringify({ script: VERSION_SCRIPT, cases }),
    encoding: "utf8",
    env,
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) throw new Error(`${python} ${DRIVER} failed (${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as Array<{ status: number; stdout: string; outputs: string }>).map((r) => ({
    status: r.status,
    stdout: r.stdout,
    outputs: Object.fromEntries(
      r.outputs
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
    ),
  }));
}
