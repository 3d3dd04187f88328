/**
 * The release workflow's Python steps, run with the real tools at the versions the workflow pins
 * (npm run test:python; the first run sets them up from PyPI, later runs are offline):
 * the version decision, `uv build` of a package laid out like smartem-decisions in a git
 * repository with upstream's real tag names, `twine check --strict`, the OpenAPI spec, the exe's
 * locked dependency set, and zizmor on every generated workflow and on this repository's own.
 * Each step runs from the rendered model, as GitHub runs it: `bash --noprofile --norc -eo pipefail`.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunStep, Step } from "../../components/actions/model";
import { pythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { workflowContent } from "../../components/release/python-package-release";
import { releasePlan } from "../../components/release/release-workflow";
import { decideRelease } from "../../components/release/version-decision";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";
import { GithubRunner, StepOptions, StepRun } from "../support/github-step";
import { EPUPLAYER } from "../support/packages";
import { runVersionCases } from "../support/version-driver";
import { RULES, TABLE, expectScriptDecides, versionCase } from "../support/version-table";
import { PythonTools, pythonTools } from "./pytools";

const plan = releasePlan(pythonPackage(SMARTEM_DECISIONS));
const runSteps = (job: string): RunStep[] => plan.workflow.jobs[job]!.steps.filter((s: Step): s is RunStep => "run" in s);
const step = (job: string, name: RegExp): RunStep => {
  const found = runSteps(job).find((s) => name.test(s.name));
  if (!found) throw new Error(`no step ${name} in job ${job}`);
  return found;
};

/** smartem-decisions' tags (DESIGN.md), oldest first, each group on its own commit. */
const HISTORIC_TAGS: string[][] = [
  ["v0.0.1", "v0.0.2", "v0.0.3", "v0.0.4", "test-v0.0.1", "test-v0.0.2"],
  ["smartem-decisions-v0.1rc2"],
  ["smartem-decisions-v0.1.0"],
  Array.from({ length: 47 }, (_, i) => `smartem-decisions-v0.1.1rc${i + 6}`),
];

/** A package laid out like smartem-decisions (its build-system, setuptools_scm version file, agent entry point, backend app). */
const FIXTURE: Record<string, string> = {
  "pyproject.toml": `[build-system]
requires = ["setuptools>=64", "setuptools_scm[toml]>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "smartem-decisions"
description = "Fixture laid out like smartem-decisions"
dynamic = ["version"]
license = "Apache-2.0"
readme = "README.md"
# Upstream says >=3.12; the fixture runs on the interpreter of this machine.
requires-python = ">=3.11"
dependencies = []

[project.optional-dependencies]
# Stand-ins that are in the offline wheel folder (upstream: watchdog, lxml, ...; fastapi, ...).
agent = ["packaging>=24"]
backend = []

[project.scripts]
smartem_agent_tools = "smartem_agent.__main__:main"

[tool.setuptools]
packages = ["smartem_backend", "smartem_agent", "smartem_common"]
package-dir = {"" = "src"}

[tool.setuptools_scm]
version_file = "src/_version.py"
`,
  "README.md": "# smartem-decisions (test fixture)\n",
  ".gitignore": "src/_version.py\ndist/\nopenapi/\n.venv/\n",
  "src/smartem_agent/__init__.py": "",
  "src/smartem_agent/__main__.py": 'def main():\n    print("smartem-agent")\n\n\nif __name__ == "__main__":\n    main()\n',
  "src/smartem_common/__init__.py": "",
  "src/smartem_backend/__init__.py": "",
  // Like FastAPI's app.openapi(): the version is the installed package's.
  "src/smartem_backend/api_server.py": `import os
from importlib.metadata import version


class _App:
    def openapi(self):
        assert os.environ.get("SKIP_DB_INIT") == "true", "the import would open a database"
        return {"openapi": "3.1.0", "info": {"title": "SmartEM", "version": version("smartem-decisions")}, "paths": {"/health": {}}}


app = _App()
`,
};

describe("the release workflow with the real Python tools (exact pinned versions)", function () {
  let tools: PythonTools;
  let runner: GithubRunner;
  let repo: string;
  const git = (...args: string[]): string => {
    const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };

  /**
   * Runs a step as GitHub does, in the package's checkout with the tools' venv on PATH, its env's
   * `needs.version.outputs.version` standing for `version`.
   */
  function runStep(s: RunStep, version: string, options: StepOptions = {}): StepRun {
    const { PATH: _, ...uvEnv } = tools.uvEnv;
    return runner.run(s, {
      cwd: repo,
      path: [path.dirname(tools.python)],
      ...options,
      env: { ...uvEnv, ...options.env },
      expressions: { "needs.version.outputs.version": version, ...options.expressions },
    });
  }

  before(function () {
    tools = pythonTools();
    runner = new GithubRunner("release-tools");
    repo = path.join(runner.dir, "smartem-decisions");
    for (const [file, content] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), content);
    }
    git("init", "-q", "-b", "main");
    HISTORIC_TAGS.forEach((tags, i) => {
      git("commit", "-q", "--allow-empty", "-m", `history ${i}`);
      if (i === 0) {
        git("add", "-A");
        git("commit", "-q", "-m", "the package");
      }
      for (const tag of tags) {
        if (tag === "smartem-decisions-v0.1.0") git("tag", "-a", "-m", "release", tag);
        else git("tag", tag);
      }
    });
    // The lock the exe and the OpenAPI job install from (made offline from the cached wheels).
    const lock = spawnSync(tools.bin("uv"), ["lock"], { cwd: repo, encoding: "utf8", env: tools.uvEnv });
    if (lock.status !== 0) throw new Error(`uv lock: ${lock.stderr}`);
    git("add", "uv.lock");
    git("commit", "-q", "-m", "lock");
  });
  after(() => runner?.dispose());

  it("the version script decides every case of the table like decideRelease, with the pinned packaging", () => {
    const results = runVersionCases(
      tools.python,
      TABLE.map(([, input]) => versionCase(input)),
    );
    TABLE.forEach(([, input], i) => expectScriptDecides(results[i]!, decideRelease(input, RULES)));
  });

  describe("stable, release-candidate and pull-request runs on upstream's tag history", () => {
    /** What the version step's env reads of the event that started the run. */
    const event = (eventName: string, ref: string, runNumber: number): Record<string, string> => ({
      "github.event_name": eventName,
      "github.ref": ref,
      "github.run_number": String(runNumber),
    });

    /** Runs the version job's step (`uvx --with setuptools-scm==… --with packaging==… python -`) and returns its outputs. */
    function decide(eventName: string, ref: string, runNumber: number): Record<string, string> {
      const r = runStep(step("version", /^Decide/), "", { expressions: event(eventName, ref, runNumber) });
      expect(r.status, r.output).to.equal(0);
      return Object.fromEntries(
        r.githubOutput
          .trim()
          .split("\n")
          .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
    }

    /** Runs the build job's steps (uv build, twine check, file names) and checks what the files carry. */
    function buildAndCheck(version: string): void {
      fs.rmSync(path.join(repo, "dist"), { recursive: true, force: true });
      for (const s of runSteps("build")) {
        const r = runStep(s, version);
        expect(r.status, `${s.name}: ${r.output}`).to.equal(0);
        if (/twine/.test(s.run)) expect(r.output).to.match(/PASSED/);
      }
      // uv build also writes a .gitignore there (upload-artifact leaves hidden files out).
      const dist = fs
        .readdirSync(path.join(repo, "dist"))
        .filter((f) => !f.startsWith("."))
        .sort();
      expect(dist).to.deep.equal([`smartem_decisions-${version}-py3-none-any.whl`, `smartem_decisions-${version}.tar.gz`]);
      const read = spawnSync(
        tools.python,
        [
          "-c",
          [
            "import sys, tarfile, zipfile",
            "w, s, v = sys.argv[1:]",
            "meta = zipfile.ZipFile(w).read(f'smartem_decisions-{v}.dist-info/METADATA').decode()",
            "pkg = tarfile.open(s).extractfile(f'smartem_decisions-{v}/PKG-INFO').read().decode()",
            "print([l for l in meta.splitlines() if l.startswith(('Version:', 'Metadata-Version:'))])",
            "print([l for l in pkg.splitlines() if l.startswith('Version:')])",
          ].join("\n"),
          ...dist.map((f) => path.join(repo, "dist", f)),
          version,
        ],
        { encoding: "utf8" },
      );
      expect(read.status, read.stderr).to.equal(0);
      expect(read.stdout)
        .to.contain(`'Version: ${version}'`)
        .and.match(/'Metadata-Version: 2\.\d'/);
      expect(read.stdout.split("\n")[1]).to.equal(`['Version: ${version}']`);
      expect(fs.readFileSync(path.join(repo, "src", "_version.py"), "utf8")).to.contain(`version = '${version}'`);
    }

    it("push to main: rc 0.1.1rc65 (rc and legacy tags ignored); wheel, sdist, METADATA and _version.py carry it; twine passes", () => {
      const out = decide("push", "refs/heads/main", 65);
      expect(out).to.deep.equal({
        kind: "rc",
        version: "0.1.1rc65",
        tag: "smartem-decisions-v0.1.1rc65",
        prerelease: "true",
        latest: "false",
      });
      buildAndCheck(out.version!);
    });

    it("stable tag smartem-decisions-v0.1.1: stable, latest; the files carry 0.1.1", () => {
      git("tag", "smartem-decisions-v0.1.1");
      try {
        const out = decide("push", "refs/tags/smartem-decisions-v0.1.1", 66);
        expect(out).to.deep.equal({
          kind: "stable",
          version: "0.1.1",
          tag: "smartem-decisions-v0.1.1",
          prerelease: "false",
          latest: "true",
        });
        buildAndCheck(out.version!);
      } finally {
        git("tag", "-d", "smartem-decisions-v0.1.1");
      }
    });

    it("pull request: setuptools_scm's own version (real setuptools-scm), and the files carry it", () => {
      const out = decide("pull_request", "refs/pull/7/merge", 67);
      expect(out.kind).to.equal("check");
      expect(out.version).to.match(/^0\.1\.\d+(rc\d+)?(\.dev\d+)?\+g[0-9a-f]+$|^0\.1\.\d+/);
      buildAndCheck(out.version!);
    });

    it("an rc tag already on another commit stops the run with the error line", () => {
      git("tag", "smartem-decisions-v0.1.1rc68", "HEAD~1");
      try {
        const r = runStep(step("version", /^Decide/), "", { expressions: event("push", "refs/heads/main", 68) });
        expect(r.status).to.equal(1);
        expect(r.output).to.match(/::error title=No release::tag smartem-decisions-v0\.1\.1rc68 already exists on commit/);
        expect(r.githubOutput).to.equal("");
      } finally {
        git("tag", "-d", "smartem-decisions-v0.1.1rc68");
      }
    });
  });

  it("the OpenAPI job's steps write openapi-<version>.json, upstream's format, with the decided version installed", () => {
    for (const s of runSteps("openapi")) {
      const r = runStep(s, "0.1.1rc65");
      expect(r.status, `${s.name}: ${r.output}`).to.equal(0);
    }
    const text = fs.readFileSync(path.join(repo, "openapi", "openapi-0.1.1rc65.json"), "utf8");
    const spec = JSON.parse(text) as { info: { version: string } };
    expect(spec.info.version).to.equal("0.1.1rc65");
    expect(text).to.equal(`${JSON.stringify(spec, Object.keys(flatKeys(spec)).sort(), 2)}\n`);
  });

  it("the exe's dependency set: uv export from the lock, with hashes, installs with pip --require-hashes; then the wheel without dependencies", () => {
    fs.rmSync(path.join(repo, "dist"), { recursive: true, force: true });
    for (const s of runSteps("build")) expect(runStep(s, "0.1.1rc65").status, s.name).to.equal(0);
    fs.mkdirSync(path.join(repo, "wheel"), { recursive: true });
    for (const f of fs.readdirSync(path.join(repo, "dist")).filter((n) => n.endsWith(".whl")))
      fs.copyFileSync(path.join(repo, "dist", f), path.join(repo, "wheel", f));
    const exported = runStep(step("windows-exe", /^Export the locked/), "0.1.1rc65");
    expect(exported.status, exported.output).to.equal(0);
    const requirements = fs.readFileSync(path.join(runner.temp, "requirements.txt"), "utf8");
    expect(requirements, requirements).to.match(/^packaging==[\d.]+ \\\n\s+--hash=sha256:[0-9a-f]{64}/m);
    // The project itself is not in the set (it comes from the release wheel).
    expect(requirements).to.not.match(/^(-e |\.|smartem)/m);
    // The install step without its PyInstaller line (PyInstaller is Windows-only here), in a fresh venv, offline.
    const venv = path.join(runner.dir, "exe-venv");
    expect(spawnSync("python3", ["-m", "venv", venv]).status).to.equal(0);
    const install = step("windows-exe", /^Install the locked set/);
    const script = install.run
      .split("\n")
      .filter((l) => !l.includes("pyinstaller"))
      .join("\n");
    const r = runStep({ ...install, run: script }, "0.1.1rc65", {
      path: [path.join(venv, "bin")],
      env: { PIP_NO_INDEX: "1", PIP_FIND_LINKS: tools.uvEnv.WHEELS },
    });
    expect(r.status, r.output).to.equal(0);
    const version = spawnSync(
      path.join(venv, "bin", "python"),
      ["-c", "from importlib.metadata import version; print(version('smartem-decisions'))"],
      { encoding: "utf8" },
    );
    expect(version.stdout.trim()).to.equal("0.1.1rc65");
  });

  describe("zizmor reports nothing", () => {
    function zizmor(files: string[]): { status: number | null; out: string } {
      const r = spawnSync(tools.bin("zizmor"), ["--offline", "--no-progress", "--format", "plain", ...files], {
        encoding: "utf8",
      });
      return { status: r.status, out: r.stdout + r.stderr };
    }

    it("on every generated release workflow (golden renders and the second package)", () => {
      const golden = path.join(PROJECT_ROOT, "test", "golden");
      const files = fs
        .readdirSync(golden, { recursive: true, encoding: "utf8" })
        .filter((f) => /\.github\/workflows\/[^/]+\.ya?ml$/.test(f))
        .map((f) => path.join(golden, f));
      expect(files.length).to.be.greaterThan(1);
      const epuplayer = path.join(runner.dir, "epuplayer", ".github", "workflows", "release-epuplayer.yml");
      fs.mkdirSync(path.dirname(epuplayer), { recursive: true });
      fs.writeFileSync(epuplayer, workflowContent(releasePlan(pythonPackage(EPUPLAYER))));
      const r = zizmor([...files, epuplayer]);
      expect(r.out, r.out).to.match(/No findings to report/);
      expect(r.status, r.out).to.equal(0);
    });

    it("on this repository's own workflows", () => {
      const own = path.join(PROJECT_ROOT, ".github", "workflows");
      const r = zizmor(fs.readdirSync(own).map((f) => path.join(own, f)));
      expect(r.out, r.out).to.match(/No findings to report/);
      expect(r.status, r.out).to.equal(0);
    });
  });
});

/** Every key of a JSON value, for a sorted-keys stringify. */
function flatKeys(value: unknown, keys: Record<string, true> = {}): Record<string, true> {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (!Array.isArray(value)) keys[k] = true;
      flatKeys(v, keys);
    }
  }
  return keys;
}
