/**
 * The real Python tools of the release workflow, for npm run test:python: a virtual environment
 * with the exact versions the workflow pins (components/actions/pins.ts PYTHON_TOOLS) plus zizmor,
 * and a folder of wheels of the build backend so `uv build` runs offline. Set up from PyPI on
 * the first run (network needed once), cached in the git-ignored `.cache/pytools/<hash of the
 * pins>`; later runs are offline. A pin change makes a new folder.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { PYTHON_TOOLS } from "../../components/actions/pins";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";

/**
 * Versions only the tests need. setuptools: what upstream's `setuptools>=64` build requirement
 * resolves to today (the workflow does not pin the build backend; bump this to the current
 * release to check a new one still builds and passes twine).
 */
export const TEST_TOOLS = { zizmor: "1.32.0", setuptools: "84.2.1" } as const;

/** Installed into the venv: what the workflow's steps run. */
const TOOLS = [
  `uv==${PYTHON_TOOLS.uv}`,
  `twine==${PYTHON_TOOLS.twine}`,
  `packaging==${PYTHON_TOOLS.packaging}`,
  `setuptools-scm==${PYTHON_TOOLS.setuptoolsScm}`,
  `zizmor==${TEST_TOOLS.zizmor}`,
];
/** Downloaded as wheels: what uv installs offline into build environments and `uvx`. */
const WHEELS = [
  `setuptools==${TEST_TOOLS.setuptools}`,
  `setuptools-scm==${PYTHON_TOOLS.setuptoolsScm}`,
  `packaging==${PYTHON_TOOLS.packaging}`,
  `twine==${PYTHON_TOOLS.twine}`,
];

export interface PythonTools {
  readonly dir: string;
  /** The venv's python: exact packaging and setuptools-scm. */
  readonly python: string;
  readonly bin: (tool: "uv" | "uvx" | "twine" | "zizmor") => string;
  /** Environment (with WHEELS, the wheel folder) that makes uv work offline from the cached wheels, never touching the user's config or cache. */
  readonly uvEnv: NodeJS.ProcessEnv;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    throw new Error(
      `setting up the Python tools failed (network to PyPI is needed on the first run): ${command} ${args.join(" ")}\n${result.stderr}`,
    );
  }
}

export function pythonTools(): PythonTools {
  const hash = createHash("sha256").update(JSON.stringify({ TOOLS, WHEELS })).digest("hex").slice(0, 16);
  const dir = path.join(PROJECT_ROOT, ".cache", "pytools", hash);
  const ready = path.join(dir, "ready");
  const venv = path.join(dir, "venv");
  const wheels = path.join(dir, "wheels");
  if (!fs.existsSync(ready)) {
    // An interrupted setup leaves no `ready` marker: start again from nothing.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    run("python3", ["-m", "venv", venv]);
    const pip = path.join(venv, "bin", "pip");
    run(pip, ["install", "--quiet", "--disable-pip-version-check", "--no-input", ...TOOLS]);
    run(pip, [
      "download",
      "--quiet",
      "--disable-pip-version-check",
      "--no-input",
      "--only-binary=:all:",
      "--dest",
      wheels,
      ...WHEELS,
    ]);
    writeSimpleIndex(wheels, path.join(dir, "simple"));
    fs.writeFileSync(ready, `${JSON.stringify({ TOOLS, WHEELS }, null, 2)}\n`);
  }
  const bin = (tool: string): string => path.join(venv, "bin", tool);
  return {
    dir,
    python: bin("python"),
    bin,
    uvEnv: {
      PATH: `${path.join(venv, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
      HOME: process.env.HOME,
      UV_OFFLINE: "1",
      // An index (not find-links), so uv.lock records hashes as it does from PyPI.
      UV_DEFAULT_INDEX: pathToFileURL(path.join(dir, "simple")).href,
      WHEELS: wheels,
      UV_CACHE_DIR: path.join(dir, "uv-cache"),
      UV_PYTHON_DOWNLOADS: "never",
      UV_NO_CONFIG: "1",
      // The interpreter on this machine (the fixture allows it); the workflow sets up 3.12.
      UV_PYTHON: "python3",
    },
  };
}

/** A PEP 503 simple index of the wheel folder (links with sha256), which uv reads as a file:// index. */
function writeSimpleIndex(wheels: string, simple: string): void {
  const byProject = new Map<string, string[]>();
  for (const file of fs.readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
    const project = file
      .split("-")[0]!
      .toLowerCase()
      .replace(/[-_.]+/g, "-");
    const digest = createHash("sha256")
      .update(fs.readFileSync(path.join(wheels, file)))
      .digest("hex");
    const href = `${pathToFileURL(path.join(wheels, file)).href}#sha256=${digest}`;
    byProject.set(project, [...(byProject.get(project) ?? []), `<a href="${href}">${file}</a>`]);
  }
  for (const [project, links] of byProject) {
    fs.mkdirSync(path.join(simple, project), { recursive: true });
    fs.writeFileSync(
      path.join(simple, project, "index.html"),
      `<!DOCTYPE html>\n<html><body>\n${links.join("<br/>\n")}\n</body></html>\n`,
    );
  }
}
