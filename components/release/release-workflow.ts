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
import {
  BUMP_TRIGGER_ENVIRONMENT,
  BUMP_TRIGGER_SCRIPT,
  BUMP_TRIGGER_SECRET,
  BUMP_WORKFLOW_FILE,
  BumpTrigger,
  packageBumpTrigger,
} from "./bump-trigger";

/** A job and the release kinds it runs for (`always`: every run, whatever the version job decides). */
export interface PlannedJob {
  readonly id: string;
  readonly runsFor: readonly ReleaseKind[] | "always";
  readonly job: Job;
}

export interface ReleasePlan {
  readonly pkg: PythonPackage;
  /** Whom a stable release tells (bump-trigger.ts); the workflow depends on it as on the package. */
  readonly bumpTrigger?: BumpTrigger;
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
  openapi: "openapi",
  attest: "attest",
  githubRelease: "github-release",
  publishPypi: "publish-pypi",
  container: "container",
  bumpTrigger: "bump-trigger",
} as const;

/** Artifact names shared by the jobs that upload and download them. */
const ARTIFACT = { dist: "python-dist", exe: "windows-exe", openapi: "openapi", attestations: "attestations" } as const;

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
  return {
    name: "Check out (full history, for setuptools_scm)",
    uses: action("checkout"),
    with: { "fetch-depth": 0, "persist-credentials": false },
  };
}

function setupUv(pkg: PythonPackage): Step {
  // uv itself pinned like the actions. No cache in a release workflow: a poisoned cache must
  // not reach a published build.
  return {
    name: "Set up uv",
    uses: action("setupUv"),
    with: { version: PYTHON_TOOLS.uv, "python-version": pkg.pythonVersion, "enable-cache": false },
  };
}

/** A job without a checkout: its run steps work in the workspace, not in the package folder. */
const WORKSPACE = "${{ github.workspace }}";

function download(name: string, path: string): Step {
  return { name: `Download ${name}`, uses: action("downloadArtifact"), with: { name, path } };
}

/**
 * The `openapi` job's script: upstream's way (tools/publish_openapi.py): import the app,
 * `app.openapi()`, JSON with indent 2 and sorted keys, written as
 * `openapi/openapi-<VERSION>.json`. Reads OPENAPI_APP (`module:attribute`) and VERSION.
 */
export const OPENAPI_SCRIPT = `import importlib
import json
import os

module, _, attribute = os.environ["OPENAPI_APP"].partition(":")
spec = getattr(importlib.import_module(module), attribute).openapi()
os.makedirs("openapi", exist_ok=True)
path = os.path.join("openapi", f"openapi-{os.environ['VERSION']}.json")
with open(path, "w", encoding="utf-8") as out:
    out.write(json.dumps(spec, indent=2, sort_keys=True) + "\\n")
print(f"{path}: {len(spec.get('paths', {}))} paths")
`;

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
      // Blocking, as upstream made it once its type errors were fixed.
      { name: "pyright", run: `uv run pyright ${paths}` },
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
      {
        name: "Check metadata",
        // twine and the packaging it reads metadata with, both pinned: an older packaging
        // refuses the Metadata-Version current setuptools writes.
        run: twineCheck("dist/*"),
      },
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

/** `twine check --strict` with twine and packaging pinned (run through uvx, so nothing else is installed). */
export function twineCheck(files: string): string {
  return `uvx --from twine==${PYTHON_TOOLS.twine} --with packaging==${PYTHON_TOOLS.packaging} twine check --strict ${files}`;
}

/** The `uv export` of the exe's locked dependency set (with hashes, without the project itself). */
export function lockedExport(extras: readonly string[], output: string): string {
  return [
    "uv export --frozen --no-dev --no-emit-project",
    ...extras.map((e) => `--extra ${e}`),
    `--format requirements.txt --output-file ${output}`,
  ].join(" ");
}

function windowsExeJob(pkg: PythonPackage, exe: NonNullable<PythonPackage["windowsExe"]>): Job {
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
    // Freezes the very wheel the build job made (and that is attested and published).
    needs: [JOB.version, JOB.build],
    steps: [
      checkout(),
      { name: "Set up Python", uses: action("setupPython"), with: { "python-version": pkg.pythonVersion } },
      setupUv(pkg),
      download(ARTIFACT.dist, inPackage(pkg, "wheel")),
      {
        name: "Export the locked dependency set (uv.lock, with hashes)",
        run: lockedExport(exe.extras, '"$RUNNER_TEMP/requirements.txt"'),
      },
      {
        name: "Install the locked set, the release wheel and PyInstaller",
        run: [
          // Every dependency exactly as locked, each checked against its hash.
          'python -m pip install --require-hashes --no-deps -r "$RUNNER_TEMP/requirements.txt"',
          // The package itself: the wheel built with the decided version, nothing resolved.
          "python -m pip install --no-deps wheel/*.whl",
          // PyInstaller by exact version (not hash-locked: it is not in the project's lock).
          `python -m pip install pyinstaller==${PYTHON_TOOLS.pyinstaller}`,
          "python -m pip check",
          "",
        ].join("\n"),
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

function openapiJob(pkg: PythonPackage, openapi: NonNullable<PythonPackage["openapi"]>): Job {
  return {
    name: "OpenAPI spec",
    runsOn: RUNNERS.linux,
    permissions: READ,
    timeoutMinutes: TIMEOUT.build,
    needs: [JOB.version, JOB.lint, JOB.test],
    steps: [
      checkout(),
      setupUv(pkg),
      {
        name: "Install the app (from uv.lock) with the decided version",
        env: { SETUPTOOLS_SCM_PRETEND_VERSION: VERSION },
        run: ["uv sync --locked", ...openapi.extras.map((e) => `--extra ${e}`)].join(" "),
      },
      {
        name: "Build openapi-<version>.json as upstream does",
        env: { ...openapi.env, OPENAPI_APP: openapi.app, VERSION },
        run: `uv run --no-sync python - <<'PY'\n${OPENAPI_SCRIPT}PY\n`,
      },
      {
        name: "Upload",
        uses: action("uploadArtifact"),
        with: { name: ARTIFACT.openapi, path: inPackage(pkg, "openapi/"), "if-no-files-found": "error" },
      },
    ],
  };
}

/** The files a release attests, each as its own subject with its own bundle. */
function attestedFiles(pkg: PythonPackage): Array<{ id: string; label: string; glob: string }> {
  return [
    { id: "wheel", label: "the wheel", glob: "assets/*.whl" },
    { id: "sdist", label: "the sdist", glob: "assets/*.tar.gz" },
    ...(pkg.windowsExe ? [{ id: "exe", label: "the Windows executable", glob: "assets/*.exe" }] : []),
  ];
}

function attestJob(pkg: PythonPackage): Job {
  const files = attestedFiles(pkg);
  return {
    name: "Attest build provenance",
    runsOn: RUNNERS.linux,
    // The only job with a signing identity for files: the build jobs run third-party build
    // code (setuptools plugins, PyInstaller hooks) and get no OIDC token.
    permissions: { contents: "read", idToken: "write", attestations: "write" },
    timeoutMinutes: TIMEOUT.short,
    needs: [JOB.version, JOB.build, ...(pkg.windowsExe ? [JOB.windowsExe] : [])],
    steps: [
      download(ARTIFACT.dist, "assets"),
      ...(pkg.windowsExe ? [download(ARTIFACT.exe, "assets")] : []),
      ...files.map((f): Step => ({
        id: `attest-${f.id}`,
        name: `Attest ${f.label}`,
        uses: action("attestBuildProvenance"),
        with: { "subject-path": f.glob },
      })),
      {
        // in-toto's convention: the bundle of <file> is <file>.intoto.jsonl, one JSON per line.
        name: "Bundles as <file>.intoto.jsonl",
        workingDirectory: WORKSPACE,
        env: Object.fromEntries(
          files.map((f) => [`BUNDLE_${f.id.toUpperCase()}`, `\${{ steps.attest-${f.id}.outputs.bundle-path }}`]),
        ),
        run: [
          "mkdir -p attestations",
          ...files.map(
            (f) =>
              `for file in ${f.glob}; do jq -c . "$BUNDLE_${f.id.toUpperCase()}" > "attestations/\${file##*/}.intoto.jsonl"; done`,
          ),
          "ls -l attestations",
          "",
        ].join("\n"),
      },
      {
        name: "Upload",
        uses: action("uploadArtifact"),
        with: { name: ARTIFACT.attestations, path: "attestations/", "if-no-files-found": "error" },
      },
    ],
  };
}

/**
 * Draft, fill, publish: with GitHub's immutable releases a published release can no longer
 * take assets, so every asset goes onto a draft first. A failed upload leaves a draft (never a
 * published release without its files); a re-run finds the draft and fills it again
 * (`--clobber`); a release an earlier attempt already published is only checked for completeness.
 * A draft creates no tag: the release-candidate tag appears on publishing, at the built commit.
 *
 * Every lookup fails the run when the API fails, rather than reading a failure as "absent"
 * (which would create a second draft, or publish onto a tag that exists elsewhere): the tag
 * through `git/matching-refs` (`[]`, not 404, when there is none), the releases of the tag by
 * listing them (drafts included, with their target commit). `gh release upload/edit <tag>` then
 * find the one draft by its pending tag name (gh looks drafts up through GraphQL's
 * `release(tagName:)`, since REST's release-by-tag returns published releases only).
 * Tested by running it under GitHub's bash against a fake `gh` (test/release/release-script.test.ts).
 */
export const RELEASE_SCRIPT = `shopt -s nullglob
assets=(release/*)
if [ "\${#assets[@]}" -eq 0 ]; then echo "::error::no release assets"; exit 1; fi

# The commit the tag names, if the tag exists (annotated tags peeled).
ref=$(gh api "repos/\${GH_REPO}/git/matching-refs/tags/\${TAG}" --jq '.[] | [.ref, .object.type, .object.sha] | @tsv' | awk -F '\\t' -v ref="refs/tags/\${TAG}" '$1 == ref { print $2 "\\t" $3 }')
tagged=""
if [ -n "$ref" ]; then
  IFS=$'\\t' read -r type tagged <<<"$ref"
  while [ "$type" = tag ]; do
    peeled=$(gh api "repos/\${GH_REPO}/git/tags/\${tagged}" --jq '[.object.type, .object.sha] | @tsv')
    IFS=$'\\t' read -r type tagged <<<"$peeled"
  done
fi
# Publishing creates a missing tag at TARGET, but attaches to one that exists: a tag elsewhere stops the run.
if [ -n "$tagged" ] && [ "$tagged" != "$TARGET" ]; then
  echo "::error::tag \${TAG} is on commit \${tagged}, not on \${TARGET}; it was not made by this run"
  exit 1
fi

# Releases of this tag: id, draft, target commit.
releases=$(gh api --paginate "repos/\${GH_REPO}/releases?per_page=100" --jq '.[] | [.id, .tag_name, .draft, .target_commitish] | @tsv' | awk -F '\\t' -v tag="\${TAG}" '$2 == tag { print $1 "\\t" $3 "\\t" $4 }')
published=$(awk -F '\\t' '$2 == "false" { print $1 }' <<<"$releases")
drafts=$(awk -F '\\t' '$2 == "true" { print $1 }' <<<"$releases")
if [ -n "$published" ]; then
  missing=$(comm -23 <(printf '%s\\n' "\${assets[@]##*/}" | sort) <(gh release view "$TAG" --json assets --jq '.assets[].name' | sort))
  if [ -n "$missing" ]; then echo "::error::release \${TAG} is published without: \${missing//$'\\n'/, }"; exit 1; fi
  echo "release \${TAG} is already published with every asset"
  exit 0
fi
if [ "$(wc -w <<<"$drafts")" -gt 1 ]; then
  echo "::error::\${TAG} has several draft releases (ids \${drafts//$'\\n'/, }); delete all but one, then re-run"
  exit 1
fi
if [ -n "$drafts" ]; then
  target=$(awk -F '\\t' '$2 == "true" { print $3 }' <<<"$releases")
  if [ "$target" != "$TARGET" ]; then
    echo "::error::the draft release of \${TAG} (id \${drafts}) targets \${target}, not \${TARGET}; delete it, then re-run"
    exit 1
  fi
  echo "draft release \${TAG} exists (a re-run): filling it again"
else
  flags=(--draft --target "$TARGET" --title "$TITLE" --generate-notes)
  if [ "$KIND" = stable ]; then flags+=(--verify-tag); fi
  if [ "$PRERELEASE" = true ]; then flags+=(--prerelease); fi
  gh release create "$TAG" "\${flags[@]}"
fi
gh release upload "$TAG" "\${assets[@]}" --clobber
gh release edit "$TAG" --draft=false --prerelease="$PRERELEASE" --latest="$LATEST"
`;

function githubReleaseJob(pkg: PythonPackage): Job {
  return {
    name: "GitHub release",
    runsOn: RUNNERS.linux,
    // Creates the release and, by publishing it, the release-candidate tag.
    permissions: { contents: "write" },
    timeoutMinutes: TIMEOUT.short,
    // A stable release appears only after the PyPI upload was approved and done.
    needs: [
      JOB.version,
      JOB.build,
      ...(pkg.windowsExe ? [JOB.windowsExe] : []),
      ...(pkg.openapi ? [JOB.openapi] : []),
      JOB.attest,
      JOB.publishPypi,
    ],
    steps: [
      download(ARTIFACT.dist, "release"),
      ...(pkg.windowsExe ? [download(ARTIFACT.exe, "release")] : []),
      ...(pkg.openapi ? [download(ARTIFACT.openapi, "release")] : []),
      download(ARTIFACT.attestations, "release"),
      {
        name: "Draft, upload every asset, publish (creates the release-candidate tag)",
        workingDirectory: WORKSPACE,
        env: {
          GH_TOKEN: "${{ github.token }}",
          GH_REPO: "${{ github.repository }}",
          TAG: "${{ needs.version.outputs.tag }}",
          TARGET: "${{ github.sha }}",
          TITLE: `${pkg.name} ${VERSION}`,
          KIND: "${{ needs.version.outputs.kind }}",
          PRERELEASE: "${{ needs.version.outputs.prerelease }}",
          // Only the highest final release becomes latest (a backport does not).
          LATEST: "${{ needs.version.outputs.latest }}",
        },
        run: RELEASE_SCRIPT,
      },
    ],
  };
}

function publishPypiJob(pkg: PythonPackage): Job {
  return {
    name: "Publish to PyPI",
    runsOn: RUNNERS.linux,
    // Trusted Publishing: the OIDC token is the only credential, and only this job gets one for
    // PyPI. The publish action also makes PyPI's PEP 740 attestations with it.
    permissions: { idToken: "write" },
    timeoutMinutes: TIMEOUT.short,
    // Every artifact is built, checked and attested before anything is published.
    needs: [JOB.version, JOB.build, ...(pkg.windowsExe ? [JOB.windowsExe] : []), JOB.attest],
    environment: { name: pkg.pypiEnvironment, url: `https://pypi.org/p/${pkg.name}` },
    steps: [download(ARTIFACT.dist, "dist"), { name: "Publish", uses: action("pypiPublish"), with: { "packages-dir": "dist/" } }],
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

function bumpTriggerJob(trigger: BumpTrigger): Job {
  return {
    name: "Start the bump PRs",
    runsOn: RUNNERS.linux,
    // The token it uses is its own (Actions: write on the other repository); GITHUB_TOKEN gets nothing.
    permissions: {},
    timeoutMinutes: TIMEOUT.short,
    // After the image exists: the bump PR pins its verified digest.
    needs: [JOB.version, JOB.container],
    environment: { name: BUMP_TRIGGER_ENVIRONMENT },
    steps: [
      {
        name: `Start ${BUMP_WORKFLOW_FILE} of ${trigger.repository}`,
        env: {
          GH_TOKEN: `\${{ secrets.${BUMP_TRIGGER_SECRET} }}`,
          DELIVERY_REPOSITORY: trigger.repository,
          WORKFLOW: BUMP_WORKFLOW_FILE,
          VERSION,
        },
        run: BUMP_TRIGGER_SCRIPT,
      },
    ],
  };
}

/**
 * Every job of the package's release workflow with the kinds it runs for; with a bump trigger
 * (and a container image), a stable release ends by starting this project's bump PRs.
 */
export function planJobs(pkg: PythonPackage, trigger?: BumpTrigger): PlannedJob[] {
  const published: ReleaseKind[] = ["stable", "rc"];
  const built: ReleaseKind[] = ["stable", "rc", "check"];
  const jobs: PlannedJob[] = [
    { id: JOB.version, runsFor: "always", job: versionJob(pkg) },
    { id: JOB.lint, runsFor: "always", job: lintJob(pkg) },
    { id: JOB.test, runsFor: "always", job: testJob(pkg) },
    { id: JOB.build, runsFor: built, job: buildJob(pkg) },
  ];
  if (pkg.windowsExe) jobs.push({ id: JOB.windowsExe, runsFor: built, job: windowsExeJob(pkg, pkg.windowsExe) });
  if (pkg.openapi) jobs.push({ id: JOB.openapi, runsFor: built, job: openapiJob(pkg, pkg.openapi) });
  jobs.push({ id: JOB.attest, runsFor: published, job: attestJob(pkg) });
  jobs.push({ id: JOB.publishPypi, runsFor: ["stable"], job: publishPypiJob(pkg) });
  jobs.push({ id: JOB.githubRelease, runsFor: published, job: githubReleaseJob(pkg) });
  if (pkg.container) jobs.push({ id: JOB.container, runsFor: ["stable"], job: containerJob(pkg, pkg.container) });
  const bumpTrigger = packageBumpTrigger(pkg, trigger);
  if (bumpTrigger) jobs.push({ id: JOB.bumpTrigger, runsFor: ["stable"], job: bumpTriggerJob(bumpTrigger) });
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

export function releasePlan(pkg: PythonPackage, trigger?: BumpTrigger): ReleasePlan {
  const jobs = planJobs(pkg, trigger);
  const workflow: Workflow = {
    name: `Release ${pkg.name}`,
    on: releaseTriggers(pkg),
    permissions: {},
    // One run per ref at a time; a newer PR push cancels the older check, releases are never cancelled.
    concurrency: {
      group: "${{ github.workflow }}-${{ github.ref }}",
      cancelInProgress: "${{ github.event_name == 'pull_request' }}",
    },
    defaults: { run: { shell: "bash", ...(pkg.workingDirectory === "." ? {} : { workingDirectory: pkg.workingDirectory }) } },
    jobs: Object.fromEntries(jobs.map((p) => [p.id, p.job])),
  };
  const bumpTrigger = packageBumpTrigger(pkg, trigger);
  return { pkg, ...(bumpTrigger ? { bumpTrigger } : {}), jobs, workflow };
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
