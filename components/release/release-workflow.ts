/**
 * The release workflow of one Python package (ADR "SmartEM Package Release Architecture"),
 * built as typed data from the package model. One plan lists every job with the
 * release kinds it runs for; the jobs' `if:` conditions, the Mermaid picture and the
 * trusted-publisher facts are all derived from that plan.
 */
import type { PythonPackage } from "./package";
import { Job, Permissions, Step, Workflow } from "../actions/model";
import { PYTHON_TOOLS, RUNNERS, action } from "../actions/pins";
import { ReleaseKind, VERSION_SCRIPT } from "./version-decision";

/** A job and the release kinds it runs for (`always`: every run, whatever the version job decides). */
export interface PlannedJob {
  readonly id: string;
  readonly runsFor: readonly ReleaseKind[] | "always";
  readonly job: Job;
}

export interface ReleasePlan {
  readonly pkg: PythonPackage;
  readonly jobs: readonly PlannedJob[];
  readonly workflow: Workflow;
}

/** The job ids, named once. */
export const JOB = {
  version: "version",
  lint: "lint",
  test: "test",
  build: "build",
  windowsExe: "windows-exe",
  githubRelease: "github-release",
  publishPypi: "publish-pypi",
  container: "container",
} as const;

/** Artifact names shared by the jobs that upload and download them. */
const ARTIFACT = { dist: "python-dist", exe: "windows-exe" } as const;

const VERSION = "${{ needs.version.outputs.version }}";
const TIMEOUT = { short: 10, build: 20, test: 30, container: 45 } as const;
const READ: Permissions = { contents: "read" };

/** The `if:` of a job that runs only for some release kinds. */
export function kindCondition(kinds: readonly ReleaseKind[]): string {
  return kinds.map((k) => `needs.${JOB.version}.outputs.kind == '${k}'`).join(" || ");
}

/** `dist/...` under the package's folder, as actions (which ignore `defaults.run`) need it. */
function inPackage(pkg: PythonPackage, relative: string): string {
  return pkg.workingDirectory === "." ? relative : `${pkg.workingDirectory}/${relative}`;
}

/** The distribution name in wheel and sdist file names (PEP 625: `-` becomes `_`). */
function distributionName(pkg: PythonPackage): string {
  return pkg.name.replace(/-/g, "_");
}

function checkout(): Step {
  // Full history: setuptools_scm derives versions from tags. No token left on disk.
  return { name: "Check out (full history, for setuptools_scm)", uses: action("checkout"), with: { "fetch-depth": 0, "persist-credentials": false } };
}

function setupUv(pkg: PythonPackage): Step {
  // No cache in a release workflow: a poisoned cache must not reach a published build.
  return { name: "Set up uv", uses: action("setupUv"), with: { "python-version": pkg.pythonVersion, "enable-cache": false } };
}

function versionJob(pkg: PythonPackage): Job {
  return {
    name: "Decide release and version",
    runsOn: RUNNERS.linux,
    permissions: READ,
    timeoutMinutes: TIMEOUT.short,
    outputs: {
      kind: "${{ steps.decide.outputs.kind }}",
      version: "${{ steps.decide.outputs.version }}",
      tag: "${{ steps.decide.outputs.tag }}",
      prerelease: "${{ steps.decide.outputs.prerelease }}",
      latest: "${{ steps.decide.outputs.latest }}",
    },
    steps: [
      checkout(),
      setupUv(pkg),
      {
        id: "decide",
        name: "Decide stable / release candidate / check, and the version",
        env: {
          EVENT_NAME: "${{ github.event_name }}",
          GIT_REF: "${{ github.ref }}",
          RUN_NUMBER: "${{ github.run_number }}",
          TAG_PREFIX: pkg.tagPrefix,
          RELEASE_BRANCH: pkg.branch,
        },
        run: `uvx --with setuptools-scm==${PYTHON_TOOLS.setuptoolsScm} --with packaging==${PYTHON_TOOLS.packaging} python - <<'PY'\n${VERSION_SCRIPT}PY\n`,
      },
    ],
  };
}

function lintJob(pkg: PythonPackage): Job {
  const paths = pkg.lintPaths.join(" ");
  return {
    name: "Lint (ruff, pyright)",
    runsOn: RUNNERS.linux,
    permissions: READ,
    timeoutMinutes: TIMEOUT.build,
    steps: [
      checkout(),
      setupUv(pkg),
      { name: "Install (from uv.lock)", run: "uv sync --locked --all-extras" },
      { name: "ruff", run: `uv run ruff check ${paths}` },
      {
        name: pkg.pyrightBlocking ? "pyright" : "pyright (reported, not blocking: known type errors)",
        run: `uv run pyright ${paths}`,
        ...(pkg.pyrightBlocking ? {} : { continueOnError: true }),
      },
    ],
  };
}

function testJob(pkg: PythonPackage): Job {
  return {
    name: "Test (${{ matrix.os }})",
    runsOn: "${{ matrix.os }}",
    permissions: READ,
    timeoutMinutes: TIMEOUT.test,
    strategy: { failFast: false, matrix: { os: [RUNNERS.linux, RUNNERS.windows] } },
    steps: [
      checkout(),
      setupUv(pkg),
      { name: "Install (from uv.lock)", run: "uv sync --locked --all-extras" },
      { name: "pytest", run: `uv run pytest ${pkg.testPaths.join(" ")}` },
    ],
  };
}

function buildJob(pkg: PythonPackage): Job {
  const dist = distributionName(pkg);
  return {
    name: "Build wheel and sdist",
    runsOn: RUNNERS.linux,
    permissions: READ,
    timeoutMinutes: TIMEOUT.build,
    needs: [JOB.version, JOB.lint, JOB.test],
    steps: [
      checkout(),
      setupUv(pkg),
      {
        name: "Build with the decided version",
        env: { SETUPTOOLS_SCM_PRETEND_VERSION: VERSION },
        run: "uv build --out-dir dist",
      },
      { name: "Check metadata", run: `uvx twine==${PYTHON_TOOLS.twine} check --strict dist/*` },
      {
        name: "Check the files carry the decided version",
        env: { VERSION },
        run: `ls -l dist\ntest -f "dist/${dist}-\${VERSION}.tar.gz"\nls "dist/${dist}-\${VERSION}-"*.whl\n`,
      },
      {
        name: "Upload",
        uses: action("uploadArtifact"),
        with: { name: ARTIFACT.dist, path: inPackage(pkg, "dist/"), "if-no-files-found": "error" },
      },
    ],
  };
}

function windowsExeJob(pkg: PythonPackage, exe: NonNullable<PythonPackage["windowsExe"]>): Job {
  const target = exe.extras.length > 0 ? `.[${exe.extras.join(",")}]` : ".";
  const pyinstaller = [
    "pyinstaller --onefile",
    `--name ${exe.name}`,
    ...exe.hiddenImports.map((m) => `--hidden-import ${m}`),
    exe.entryPoint,
  ].join(" ");
  return {
    name: "Build Windows executable",
    runsOn: RUNNERS.windows,
    permissions: READ,
    timeoutMinutes: TIMEOUT.test,
    needs: [JOB.version, JOB.lint, JOB.test],
    steps: [
      checkout(),
      { name: "Set up Python", uses: action("setupPython"), with: { "python-version": pkg.pythonVersion } },
      {
        name: "Install the package and PyInstaller",
        env: { SETUPTOOLS_SCM_PRETEND_VERSION: VERSION },
        run: `python -m pip install "${target}" pyinstaller==${PYTHON_TOOLS.pyinstaller}\n`,
      },
      { name: "Build one-file executable", run: pyinstaller },
      {
        name: "Smoke test",
        run: exe.smokeTests.map((args) => `./dist/${exe.name}.exe ${args.join(" ")}`).join("\n") + "\n",
      },
      {
        name: "Name the executable by version",
        env: { VERSION },
        run: `mv "dist/${exe.name}.exe" "dist/${exe.assetPrefix}\${VERSION}.exe"`,
      },
      {
        name: "Upload",
        uses: action("uploadArtifact"),
        with: { name: ARTIFACT.exe, path: inPackage(pkg, `dist/${exe.assetPrefix}*.exe`), "if-no-files-found": "error" },
      },
    ],
  };
}

function githubReleaseJob(pkg: PythonPackage): Job {
  const download = (name: string): Step => ({
    name: `Download ${name}`,
    uses: action("downloadArtifact"),
    with: { name, path: "release" },
  });
  return {
    name: "GitHub release",
    runsOn: RUNNERS.linux,
    // Creates the release and, for release candidates, the tag.
    permissions: { contents: "write" },
    timeoutMinutes: TIMEOUT.short,
    // A stable release appears only after the PyPI upload was approved and done.
    needs: [JOB.version, JOB.build, ...(pkg.windowsExe ? [JOB.windowsExe] : []), JOB.publishPypi],
    steps: [
      download(ARTIFACT.dist),
      ...(pkg.windowsExe ? [download(ARTIFACT.exe)] : []),
      {
        name: "Create the release (and the release-candidate tag)",
        uses: action("ghRelease"),
        with: {
          tag_name: "${{ needs.version.outputs.tag }}",
          target_commitish: "${{ github.sha }}",
          name: `${pkg.name} ${VERSION}`,
          prerelease: "${{ needs.version.outputs.prerelease == 'true' }}",
          // Only the highest final release becomes latest (a backport does not).
          make_latest: "${{ needs.version.outputs.latest }}",
          generate_release_notes: true,
          fail_on_unmatched_files: true,
          files: "release/*",
        },
      },
    ],
  };
}

function publishPypiJob(pkg: PythonPackage): Job {
  return {
    name: "Publish to PyPI",
    runsOn: RUNNERS.linux,
    // Trusted Publishing: the OIDC token is the only credential, and only this job gets one for PyPI.
    permissions: { idToken: "write" },
    timeoutMinutes: TIMEOUT.short,
    // Every artifact is built and checked before anything is published.
    needs: [JOB.version, JOB.build, ...(pkg.windowsExe ? [JOB.windowsExe] : [])],
    environment: { name: pkg.pypiEnvironment, url: `https://pypi.org/p/${pkg.name}` },
    steps: [
      { name: `Download ${ARTIFACT.dist}`, uses: action("downloadArtifact"), with: { name: ARTIFACT.dist, path: "dist" } },
      { name: "Publish", uses: action("pypiPublish"), with: { "packages-dir": "dist/" } },
    ],
  };
}

function containerJob(pkg: PythonPackage, container: NonNullable<PythonPackage["container"]>): Job {
  return {
    name: "Container image",
    runsOn: RUNNERS.linux,
    // id-token and attestations: keyless signing of the build-provenance attestation.
    permissions: { contents: "read", packages: "write", idToken: "write", attestations: "write" },
    timeoutMinutes: TIMEOUT.container,
    needs: [JOB.version, JOB.publishPypi],
    steps: [
      { name: "Check out", uses: action("checkout"), with: { "persist-credentials": false } },
      {
        name: "Wait until the release is installable from PyPI",
        // The requirement the image installs (Dockerfile: <name>[extras]==<version>).
        env: { REQUIREMENT: `${pkg.name}${container.extras.length > 0 ? `[${container.extras.join(",")}]` : ""}==${VERSION}` },
        run: [
          "for attempt in $(seq 1 30); do",
          '  if python3 -m pip download --no-deps --no-cache-dir --dest "$RUNNER_TEMP/pypi-probe" "${REQUIREMENT}"; then exit 0; fi',
          '  echo "attempt ${attempt}: ${REQUIREMENT} not installable yet"; sleep 20',
          "done",
          'echo "::error::${REQUIREMENT} did not become installable from PyPI"; exit 1',
          "",
        ].join("\n"),
      },
      { name: "Set up Buildx", uses: action("setupBuildx") },
      {
        name: "Log in to GHCR",
        uses: action("dockerLogin"),
        with: { registry: "ghcr.io", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" },
      },
      {
        id: "push",
        name: "Build and push",
        uses: action("buildPush"),
        with: {
          context: container.context,
          file: container.dockerfile,
          push: true,
          "build-args": `${container.versionBuildArg}=${VERSION}`,
          // `latest` only for the highest final release (this job runs for stable releases alone).
          tags: `${container.image}:${VERSION}\n\${{ needs.version.outputs.latest == 'true' && '${container.image}:latest' || '' }}\n`,
          labels: [
            `org.opencontainers.image.version=${VERSION}`,
            "org.opencontainers.image.revision=${{ github.sha }}",
            "org.opencontainers.image.source=${{ github.server_url }}/${{ github.repository }}",
            "",
          ].join("\n"),
        },
      },
      {
        name: "Attest build provenance",
        uses: action("attestBuildProvenance"),
        with: { "subject-name": container.image, "subject-digest": "${{ steps.push.outputs.digest }}", "push-to-registry": true },
      },
    ],
  };
}

/** Every job of the package's release workflow with the kinds it runs for. */
export function planJobs(pkg: PythonPackage): PlannedJob[] {
  const published: ReleaseKind[] = ["stable", "rc"];
  const built: ReleaseKind[] = ["stable", "rc", "check"];
  const jobs: PlannedJob[] = [
    { id: JOB.version, runsFor: "always", job: versionJob(pkg) },
    { id: JOB.lint, runsFor: "always", job: lintJob(pkg) },
    { id: JOB.test, runsFor: "always", job: testJob(pkg) },
    { id: JOB.build, runsFor: built, job: buildJob(pkg) },
  ];
  if (pkg.windowsExe) jobs.push({ id: JOB.windowsExe, runsFor: built, job: windowsExeJob(pkg, pkg.windowsExe) });
  jobs.push({ id: JOB.publishPypi, runsFor: ["stable"], job: publishPypiJob(pkg) });
  jobs.push({ id: JOB.githubRelease, runsFor: published, job: githubReleaseJob(pkg) });
  if (pkg.container) jobs.push({ id: JOB.container, runsFor: ["stable"], job: containerJob(pkg, pkg.container) });
  const runsFor = new Map(jobs.map((p) => [p.id, p.runsFor]));
  return jobs.map((p) => {
    if (p.runsFor === "always") return p;
    const kinds = p.runsFor;
    // A job that needs a job skipped for some of its kinds (the GitHub release needs the PyPI
    // upload, which release candidates skip) runs unless something before it failed.
    const optionalNeeds = (p.job.needs ?? []).some((n) => {
      const of = runsFor.get(n);
      return of !== undefined && of !== "always" && !kinds.every((k) => of.includes(k));
    });
    const condition = kindCondition(kinds);
    return { ...p, job: { ...p.job, if: optionalNeeds ? `!cancelled() && !failure() && (${condition})` : condition } };
  });
}

/** The triggers: tags release, the branch makes release candidates, PRs check. */
export function releaseTriggers(pkg: PythonPackage): Workflow["on"] {
  return {
    // Path filters do not apply to tag pushes, so every release tag starts a run.
    // The workflow file itself too: a change Pulumi commits to it is tried at once.
    push: { branches: [pkg.branch], tags: [`${pkg.tagPrefix}*`], paths: [...pkg.paths, `.github/workflows/${pkg.workflowFile}`] },
    pullRequest: { paths: [...pkg.paths, `.github/workflows/${pkg.workflowFile}`] },
  };
}

export function releasePlan(pkg: PythonPackage): ReleasePlan {
  const jobs = planJobs(pkg);
  const workflow: Workflow = {
    name: `Release ${pkg.name}`,
    on: releaseTriggers(pkg),
    permissions: {},
    // One run per ref at a time; a newer PR push cancels the older check, releases are never cancelled.
    concurrency: { group: "${{ github.workflow }}-${{ github.ref }}", cancelInProgress: "${{ github.event_name == 'pull_request' }}" },
    defaults: { run: { shell: "bash", ...(pkg.workingDirectory === "." ? {} : { workingDirectory: pkg.workingDirectory }) } },
    jobs: Object.fromEntries(jobs.map((p) => [p.id, p.job])),
  };
  return { pkg, jobs, workflow };
}

export interface TrustedPublisher {
  /** PyPI project name. */
  readonly pypiProject: string;
  /** GitHub owner (organisation or user). */
  readonly owner: string;
  readonly repository: string;
  /** Workflow file name (PyPI wants the file name, not a path). */
  readonly workflow: string;
  /** GitHub environment of the publish job. */
  readonly environment: string;
}

/** The trusted-publisher facts, read off the workflow's own PyPI publish job. */
export function trustedPublisher(plan: ReleasePlan, owner: string): TrustedPublisher {
  const publish = plan.jobs.find((p) => p.job.steps.some((s) => "uses" in s && s.uses.action === action("pypiPublish").action));
  const environment = publish?.job.environment?.name;
  if (!environment) throw new Error(`the release workflow of ${plan.pkg.name} has no PyPI publish job with an environment`);
  return { pypiProject: plan.pkg.name, owner, repository: plan.pkg.repository, workflow: plan.pkg.workflowFile, environment };
}
