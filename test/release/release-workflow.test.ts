import { expect } from "chai";
import * as YAML from "yaml";
import { pythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { workflowContent } from "../../components/release/python-package-release";
import { Job, RunStep, Step } from "../../components/actions/model";
import { PYTHON_TOOLS, RUNNERS } from "../../components/actions/pins";
import { RELEASE_SCRIPT, ReleasePlan, releasePlan, trustedPublisher } from "../../components/release/release-workflow";
import { decideRelease } from "../../components/release/version-decision";
import { Event, startsRun } from "../support/github-filter";
import { EPUPLAYER } from "../support/packages";

const smartem = releasePlan(pythonPackage(SMARTEM_DECISIONS));
const epuplayer = releasePlan(pythonPackage(EPUPLAYER));

const tagPush = (tag: string): Event => ({ eventName: "push", ref: `refs/tags/${tag}` });
const AGENT_FILE = "src/smartem_agent/watcher.py";
const BACKEND_FILE = "src/smartem_backend/api_server.py";
const SCM = "0.1.1.dev5+g1a2b3c4";
const RUN_NUMBER = 65;
const HEAD = "1111111111111111111111111111111111111111";
const TAGS = [{ name: "smartem-decisions-v0.1.0", commit: "2222222222222222222222222222222222222222", merged: true }];

/**
 * Which jobs an event runs, read off the committed YAML, with GitHub's rules: a job starts
 * once every job it needs has finished; a job without `if` runs when all its needs succeeded;
 * `if: <kinds>` also needs all its needs to have succeeded; `if: !cancelled() && !failure() &&
 * (<kinds>)` runs when no job before it failed (a skipped need is fine). `<kinds>` is a
 * disjunction of `needs.version.outputs.kind == '<kind>'`. A rejected version fails the
 * `version` job; the jobs in `failing` fail when they run.
 */
function jobsRun(plan: ReleasePlan, event: Event, failing: readonly string[] = []): string[] {
  if (!startsRun(plan.workflow.on, event)) return [];
  const ref = event.eventName === "push" ? event.ref : "refs/pull/7/merge";
  const decision = decideRelease(
    { eventName: event.eventName, ref, runNumber: RUN_NUMBER, head: HEAD, tags: TAGS, scmVersion: SCM },
    plan.pkg,
  );
  const doc = YAML.parse(workflowContent(plan)) as { jobs: Record<string, { needs?: string[]; if?: string }> };
  const status = new Map<string, "success" | "skipped" | "failed">();
  const failedBefore = (id: string): boolean =>
    (doc.jobs[id]?.needs ?? []).some((n) => status.get(n) === "failed" || failedBefore(n));
  const ran: string[] = [];
  const waiting = Object.entries(doc.jobs);
  while (waiting.length > 0) {
    // The first job (in file order) whose needs have all finished.
    const next = waiting.findIndex(([, job]) => (job.needs ?? []).every((n) => status.has(n)));
    expect(next, `jobs waiting for each other: ${waiting.map(([id]) => id).join(", ")}`).to.not.equal(-1);
    const [id, job] = waiting.splice(next, 1)[0]!;
    const needs = job.needs ?? [];
    const guarded = /^!cancelled\(\) && !failure\(\) && \((.*)\)$/.exec(job.if ?? "");
    const kindsText = guarded ? guarded[1]! : job.if;
    const needsOk = guarded ? !failedBefore(id) : needs.every((n) => status.get(n) === "success");
    let kindOk = true;
    if (kindsText !== undefined) {
      const kinds = kindsText.split(" || ").map((c) => /^needs\.version\.outputs\.kind == '(\w+)'$/.exec(c)?.[1]);
      expect(kinds, `${id}: if`).to.not.include(undefined);
      kindOk = kinds.includes(decision.kind);
    }
    if (!needsOk || !kindOk) {
      status.set(id, "skipped");
      continue;
    }
    ran.push(id);
    const fails = failing.includes(id) || (id === "version" && decision.kind === "rejected");
    status.set(id, fails ? "failed" : "success");
  }
  return ran;
}

const ALL = [
  "version",
  "lint",
  "test",
  "build",
  "windows-exe",
  "openapi",
  "attest",
  "publish-pypi",
  "github-release",
  "container",
];
const RC = ["version", "lint", "test", "build", "windows-exe", "openapi", "attest", "github-release"];
const CHECK = ["version", "lint", "test", "build", "windows-exe", "openapi"];
const REJECTED = ["version", "lint", "test"];

describe("release workflow of smartem-decisions", () => {
  describe("which path each event starts", () => {
    const table: Array<[string, Event, string[]]> = [
      ["stable tag smartem-decisions-v0.1.0", tagPush("smartem-decisions-v0.1.0"), ALL],
      [
        "rc-looking tag smartem-decisions-v0.1.1rc52 (never PyPI, never latest)",
        tagPush("smartem-decisions-v0.1.1rc52"),
        REJECTED,
      ],
      ["dev tag smartem-decisions-v0.2.0.dev1", tagPush("smartem-decisions-v0.2.0.dev1"), REJECTED],
      ["malformed tag smartem-decisions-v0.1.0-final", tagPush("smartem-decisions-v0.1.0-final"), REJECTED],
      ["malformed tag smartem-decisions-vlatest", tagPush("smartem-decisions-vlatest"), REJECTED],
      ["legacy tag v0.0.1", tagPush("v0.0.1"), []],
      ["test tag test-v0.0.1", tagPush("test-v0.0.1"), []],
      ["another package's tag epuplayer-v1.0.0", tagPush("epuplayer-v1.0.0"), []],
      ["a tag with a slash smartem-decisions-v1/x", tagPush("smartem-decisions-v1/x"), []],
      ["push to main touching the agent", { eventName: "push", ref: "refs/heads/main", changed: [AGENT_FILE] }, RC],
      [
        "push to main touching the api client",
        { eventName: "push", ref: "refs/heads/main", changed: ["src/smartem_backend/api_client.py"] },
        RC,
      ],
      ["push to main touching only the backend", { eventName: "push", ref: "refs/heads/main", changed: [BACKEND_FILE] }, []],
      ["push to another branch", { eventName: "push", ref: "refs/heads/feature", changed: [AGENT_FILE] }, []],
      ["pull request touching common", { eventName: "pull_request", changed: ["src/smartem_common/schemas.py"] }, CHECK],
      ["pull request touching only docs", { eventName: "pull_request", changed: ["docs/index.md"] }, []],
      [
        "pull request changing only the release workflow",
        { eventName: "pull_request", changed: [".github/workflows/release-smartem-decisions.yml"] },
        CHECK,
      ],
    ];
    for (const [label, event, jobs] of table) {
      it(`${label}: ${jobs.length ? jobs.join(", ") : "no run"}`, () => expect(jobsRun(smartem, event)).to.deep.equal(jobs));
    }
  });

  describe("a failed job stops everything that builds on it: nothing untested or unattested is published", () => {
    const stable = tagPush("smartem-decisions-v0.1.0");
    const main: Event = { eventName: "push", ref: "refs/heads/main", changed: [AGENT_FILE] };
    const BUILT = ["version", "lint", "test", "build", "windows-exe", "openapi"];
    const table: Array<[string, Event, string, string[]]> = [
      ["stable tag", stable, "test", REJECTED],
      ["stable tag", stable, "lint", REJECTED],
      ["push to main (rc)", main, "test", REJECTED],
      ["push to main (rc)", main, "lint", REJECTED],
      ["pull request", { eventName: "pull_request", changed: [AGENT_FILE] }, "test", REJECTED],
      ["stable tag", stable, "build", ["version", "lint", "test", "build", "openapi"]],
      ["stable tag", stable, "windows-exe", BUILT],
      ["stable tag", stable, "attest", [...BUILT, "attest"]],
      ["push to main (rc)", main, "attest", [...BUILT, "attest"]],
      ["push to main (rc)", main, "openapi", [...BUILT, "attest"]],
      // A refused approval fails the upload: no GitHub release, no image.
      ["stable tag", stable, "publish-pypi", [...BUILT, "attest", "publish-pypi"]],
    ];
    for (const [label, event, failing, jobs] of table) {
      it(`${label}, ${failing} fails: ${jobs.join(", ")}`, () => expect(jobsRun(smartem, event, [failing])).to.deep.equal(jobs));
    }
  });

  it("every artifact a job downloads comes from a job it waits for, which runs for every kind the downloader runs for", () => {
    // A package without exe, spec or image too: its jobs lose the needs those jobs brought in.
    const { windowsExe: _exe, openapi: _openapi, container: _container, ...plain } = SMARTEM_DECISIONS;
    const plans: Array<[string, ReleasePlan]> = [
      ["smartem-decisions", smartem],
      ["epuplayer", epuplayer],
      ["a package without exe, spec or image", releasePlan(pythonPackage(plain))],
    ];
    for (const [label, plan] of plans) {
      const planned = new Map(plan.jobs.map((p) => [p.id, p]));
      const ancestors = (id: string): string[] => (planned.get(id)!.job.needs ?? []).flatMap((n) => [n, ...ancestors(n)]);
      const artifacts = (job: Job, action: string): string[] =>
        job.steps.flatMap((s) => ("uses" in s && s.uses.action === action ? [String(s.with?.name)] : []));
      const uploader = new Map(
        plan.jobs.flatMap((p) => artifacts(p.job, "actions/upload-artifact").map((name) => [name, p] as const)),
      );
      let downloads = 0;
      for (const p of plan.jobs) {
        for (const name of artifacts(p.job, "actions/download-artifact")) {
          downloads++;
          const from = uploader.get(name);
          const what = `${label}: ${p.id} downloads ${name}`;
          expect(from, `${what}, which no job uploads`).to.not.equal(undefined);
          expect(ancestors(p.id), `${what} without waiting for ${from!.id}`).to.include(from!.id);
          const kinds = from!.runsFor === "always" ? ["stable", "rc", "check"] : from!.runsFor;
          expect(kinds, `${what} for kinds ${from!.id} skips`).to.include.members(p.runsFor === "always" ? [] : [...p.runsFor]);
        }
      }
      expect(downloads, label).to.be.greaterThan(3);
    }
  });

  it("triggers: release tags, main and pull requests with the agent paths or the workflow file itself", () => {
    const doc = YAML.parse(workflowContent(smartem));
    const paths = [...SMARTEM_DECISIONS.paths, ".github/workflows/release-smartem-decisions.yml"];
    expect(doc.on).to.deep.equal({
      push: { branches: ["main"], tags: ["smartem-decisions-v*"], paths },
      pull_request: { paths },
    });
  });

  it("each job's token has exactly the permissions it needs; the workflow's token has none", () => {
    const doc = YAML.parse(workflowContent(smartem));
    expect(doc.permissions).to.deep.equal({});
    const permissions = Object.fromEntries(
      Object.entries(doc.jobs).map(([id, job]) => [id, (job as Record<string, unknown>).permissions]),
    );
    expect(permissions).to.deep.equal({
      version: { contents: "read" },
      lint: { contents: "read" },
      test: { contents: "read" },
      build: { contents: "read" },
      "windows-exe": { contents: "read" },
      openapi: { contents: "read" },
      // The one job that signs files: build provenance of wheel, sdist and exe.
      attest: { contents: "read", "id-token": "write", attestations: "write" },
      "github-release": { contents: "write" },
      "publish-pypi": { "id-token": "write" },
      container: { contents: "read", packages: "write", "id-token": "write", attestations: "write" },
    });
  });

  it("publishes to PyPI from the pypi environment, stable releases only, with the pinned publish action", () => {
    const job = smartem.workflow.jobs["publish-pypi"]!;
    expect(job.environment).to.deep.equal({ name: "pypi", url: "https://pypi.org/p/smartem-decisions" });
    expect(job.if).to.equal("needs.version.outputs.kind == 'stable'");
    expect(job.steps.map((s) => ("uses" in s ? s.uses.action : "run"))).to.include("pypa/gh-action-pypi-publish");
    expect(job.runsOn, "pypa/gh-action-pypi-publish runs on Linux only").to.equal(RUNNERS.linux);
  });

  it("trusted-publisher facts come from the same plan as the workflow", () => {
    expect(trustedPublisher(smartem, "DiamondLightSource")).to.deep.equal({
      pypiProject: "smartem-decisions",
      owner: "DiamondLightSource",
      repository: "smartem-decisions",
      workflow: "release-smartem-decisions.yml",
      environment: "pypi",
    });
    const renamed = releasePlan(pythonPackage({ ...SMARTEM_DECISIONS, pypiEnvironment: "release" }));
    expect(renamed.workflow.jobs["publish-pypi"]!.environment?.name).to.equal("release");
    expect(trustedPublisher(renamed, "DiamondLightSource").environment).to.equal("release");
  });

  it("has concurrency per ref (cancelling only pull-request runs) and a timeout on every job", () => {
    const doc = YAML.parse(workflowContent(smartem));
    expect(doc.concurrency).to.deep.equal({
      group: "${{ github.workflow }}-${{ github.ref }}",
      "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    });
    for (const [id, job] of Object.entries(doc.jobs)) {
      expect((job as Record<string, unknown>)["timeout-minutes"], id)
        .to.be.a("number")
        .within(1, 60);
    }
  });

  it("builds wheel and sdist with the decided version (SETUPTOOLS_SCM_PRETEND_VERSION) from full history; the exe freezes that wheel", () => {
    const build = smartem.workflow.jobs.build!;
    const builds = runSteps(build).filter((s) => s.run.includes("uv build"));
    expect(builds).to.have.length(1);
    expect(builds[0]!.env?.SETUPTOOLS_SCM_PRETEND_VERSION).to.equal("${{ needs.version.outputs.version }}");
    const checkout = build.steps.find((s) => "uses" in s && s.uses.action === "actions/checkout");
    expect(checkout && "with" in checkout ? checkout.with?.["fetch-depth"] : undefined).to.equal(0);
    const exe = smartem.workflow.jobs["windows-exe"]!;
    expect(exe.needs).to.include("build");
    const download = exe.steps.find((s) => "uses" in s && s.uses.action === "actions/download-artifact");
    expect(download && "with" in download ? download.with : undefined).to.deep.equal({ name: "python-dist", path: "wheel" });
  });

  it("the exe is built from the locked set: uv export with hashes, pip --require-hashes, the wheel without dependencies, PyInstaller pinned", () => {
    const runs = runSteps(smartem.workflow.jobs["windows-exe"]!)
      .map((s) => s.run)
      .join("\n");
    const order = [
      "uv export --frozen --no-dev --no-emit-project --extra agent --format requirements.txt",
      'python -m pip install --require-hashes --no-deps -r "$RUNNER_TEMP/requirements.txt"',
      "python -m pip install --no-deps wheel/*.whl",
      `python -m pip install pyinstaller==${PYTHON_TOOLS.pyinstaller}`,
      "python -m pip check",
      "pyinstaller --onefile",
    ].map((text) => runs.indexOf(text));
    expect(order, runs).to.not.include(-1);
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
    expect(runs).to.not.include("--no-hashes");
  });

  it("uv, twine and packaging are pinned; pyright blocks", () => {
    const doc = workflowContent(smartem);
    const setupUv = Object.entries(smartem.workflow.jobs).flatMap(([id, job]) =>
      job.steps.flatMap((s) => ("uses" in s && s.uses.action === "astral-sh/setup-uv" ? [{ id, version: s.with?.version }] : [])),
    );
    // Every job that runs uv sets it up; a loop over no setup-uv step would check nothing.
    expect(setupUv.map(({ id }) => id)).to.include.members(["version", "lint", "test", "build", "windows-exe", "openapi"]);
    for (const { id, version } of setupUv) expect(version, id).to.equal(PYTHON_TOOLS.uv);
    expect(doc).to.include(
      `uvx --from twine==${PYTHON_TOOLS.twine} --with packaging==${PYTHON_TOOLS.packaging} twine check --strict dist/*`,
    );
    const lint = smartem.workflow.jobs.lint!;
    expect(lint.steps.filter((s) => s.continueOnError)).to.deep.equal([]);
    expect(doc).to.not.match(/continue-on-error|not blocking/);
  });

  it("the OpenAPI spec is built as upstream builds it and attached as openapi-<version>.json", () => {
    const job = smartem.workflow.jobs.openapi!;
    const [sync, spec] = runSteps(job);
    expect(sync!.run).to.equal("uv sync --locked --extra backend");
    expect(sync!.env?.SETUPTOOLS_SCM_PRETEND_VERSION).to.equal("${{ needs.version.outputs.version }}");
    expect(spec!.env).to.include({ SKIP_DB_INIT: "true", OPENAPI_APP: "smartem_backend.api_server:app" });
    expect(spec!.run)
      .to.include("json.dumps(spec, indent=2, sort_keys=True)")
      .and.include("openapi-{os.environ['VERSION']}.json");
    const release = smartem.workflow.jobs["github-release"]!;
    expect(release.needs).to.include("openapi");
    expect(epuplayer.workflow.jobs.openapi, "a package without an app has no spec").to.equal(undefined);
  });

  it("attests wheel, sdist and exe, each with its own bundle attached as <file>.intoto.jsonl; PyPI waits for the attestations", () => {
    const job = smartem.workflow.jobs.attest!;
    expect(job.if).to.equal("needs.version.outputs.kind == 'stable' || needs.version.outputs.kind == 'rc'");
    const subjects = job.steps.flatMap((s) =>
      "uses" in s && s.uses.action === "actions/attest-build-provenance" ? [s.with?.["subject-path"]] : [],
    );
    expect(subjects).to.deep.equal(["assets/*.whl", "assets/*.tar.gz", "assets/*.exe"]);
    expect(
      runSteps(job)
        .map((s) => s.run)
        .join("\n"),
    ).to.match(/> "attestations\/\$\{file##\*\/\}\.intoto\.jsonl"/);
    expect(smartem.workflow.jobs["publish-pypi"]!.needs).to.include("attest");
    const downloads = smartem.workflow.jobs["github-release"]!.steps.flatMap((s) =>
      "uses" in s && s.uses.action === "actions/download-artifact" ? [s.with?.name] : [],
    );
    expect(downloads).to.deep.equal(["python-dist", "windows-exe", "openapi", "attestations"]);
    // The build jobs run third-party build code: no signing identity there.
    for (const id of ["build", "windows-exe", "openapi"])
      expect(smartem.workflow.jobs[id]!.permissions, id).to.deep.equal({ contents: "read" });
  });

  it("the Windows exe is PyInstaller one-file smartem-agent with the hidden imports, smoke-tested, named by version", () => {
    const runs = runSteps(smartem.workflow.jobs["windows-exe"]!)
      .map((s) => s.run)
      .join("\n");
    expect(runs).to.include(
      "pyinstaller --onefile --name smartem-agent --hidden-import watchdog.observers.polling --hidden-import watchdog.observers.winapi " +
        "--hidden-import smartem_common.schemas --hidden-import smartem_backend.api_client src/smartem_agent/__main__.py",
    );
    expect(runs).to.include("./dist/smartem-agent.exe --help\n./dist/smartem-agent.exe watch --help");
    expect(runs).to.include('mv "dist/smartem-agent.exe" "dist/smartem-agent-windows-v${VERSION}.exe"');
    expect(smartem.workflow.jobs["windows-exe"]!.runsOn).to.equal(RUNNERS.windows);
  });

  it("tests on Linux and Windows and lints the agent and common packages", () => {
    const test = smartem.workflow.jobs.test!;
    expect(test.strategy?.matrix.os).to.deep.equal([RUNNERS.linux, RUNNERS.windows]);
    expect(runSteps(test).map((s) => s.run)).to.include("uv run pytest tests/smartem_agent");
    expect(runSteps(smartem.workflow.jobs.lint!).map((s) => s.run)).to.include.members([
      "uv run ruff check src/smartem_agent src/smartem_common",
      "uv run pyright src/smartem_agent src/smartem_common",
    ]);
  });

  it("the GitHub release comes after the PyPI upload and runs the draft-fill-publish script with the decided tag, kind and latest", () => {
    const job = smartem.workflow.jobs["github-release"]!;
    expect(job.needs).to.include("publish-pypi");
    expect(smartem.workflow.jobs["publish-pypi"]!.needs).to.not.include("github-release");
    // publish-pypi is skipped for RCs: the release still runs then, but never after a failure.
    expect(job.if).to.equal(
      "!cancelled() && !failure() && (needs.version.outputs.kind == 'stable' || needs.version.outputs.kind == 'rc')",
    );
    const [release] = runSteps(job);
    expect(release!.run).to.equal(RELEASE_SCRIPT);
    expect(release!.env).to.include({
      TAG: "${{ needs.version.outputs.tag }}",
      TARGET: "${{ github.sha }}",
      KIND: "${{ needs.version.outputs.kind }}",
      PRERELEASE: "${{ needs.version.outputs.prerelease }}",
      LATEST: "${{ needs.version.outputs.latest }}",
    });
  });

  it("the image is built only after the PyPI upload is installable, stable only, with SMARTEM_VERSION, and attested", () => {
    const job = smartem.workflow.jobs.container!;
    expect(job.needs).to.include("publish-pypi");
    expect(job.if).to.equal("needs.version.outputs.kind == 'stable'");
    const order = job.steps.map((s) => ("uses" in s ? s.uses.action : s.run.includes("pip download") ? "wait-for-pypi" : "run"));
    expect(order.indexOf("wait-for-pypi")).to.be.within(0, order.indexOf("docker/build-push-action"));
    expect(order.at(-1)).to.equal("actions/attest-build-provenance");
    const push = job.steps.find((s) => "uses" in s && s.uses.action === "docker/build-push-action");
    const inputs = push && "with" in push ? push.with : {};
    expect(inputs).to.include({ "build-args": "SMARTEM_VERSION=${{ needs.version.outputs.version }}", push: true });
    expect(String(inputs?.tags).trim().split("\n")).to.deep.equal([
      "ghcr.io/diamondlightsource/smartem-decisions:${{ needs.version.outputs.version }}",
      "${{ needs.version.outputs.latest == 'true' && 'ghcr.io/diamondlightsource/smartem-decisions:latest' || '' }}",
    ]);
  });

  it("never expands an expression inside a shell script (untrusted input goes through env)", () => {
    for (const plan of [smartem, epuplayer]) {
      for (const [id, job] of Object.entries(plan.workflow.jobs)) {
        for (const step of runSteps(job)) expect(step.run, `${id}: ${step.name}`).to.not.include("${{");
      }
    }
    expect(workflowContent(smartem)).to.not.match(/github\.event\.|github\.head_ref/);
  });
});

describe("release workflow of a second package (EPUPlayer in smartem-devtools)", () => {
  it("starts on its own tags and paths only", () => {
    expect(jobsRun(epuplayer, tagPush("epuplayer-v1.0.0"))).to.deep.equal([
      "version",
      "lint",
      "test",
      "build",
      "windows-exe",
      "attest",
      "publish-pypi",
      "github-release",
    ]);
    expect(jobsRun(epuplayer, tagPush("smartem-decisions-v0.1.0"))).to.deep.equal([]);
    expect(jobsRun(epuplayer, { eventName: "pull_request", changed: ["packages/smartem-epuplayer/src/x.py"] })).to.deep.equal(
      CHECK.filter((j) => j !== "openapi"),
    );
    expect(jobsRun(epuplayer, { eventName: "pull_request", changed: [AGENT_FILE] })).to.deep.equal([]);
  });

  it("runs in the package folder, names its exe epuplayer-windows-v<version>.exe, and builds no image", () => {
    const doc = YAML.parse(workflowContent(epuplayer));
    expect(doc.defaults.run).to.deep.equal({ shell: "bash", "working-directory": "packages/smartem-epuplayer" });
    expect(doc.jobs.container).to.equal(undefined);
    const runs = runSteps(epuplayer.workflow.jobs["windows-exe"]!)
      .map((s) => s.run)
      .join("\n");
    expect(runs).to.include('"dist/epuplayer-windows-v${VERSION}.exe"');
    const upload = epuplayer.workflow.jobs["windows-exe"]!.steps.find(
      (s) => "uses" in s && s.uses.action === "actions/upload-artifact",
    );
    expect(upload && "with" in upload ? upload.with?.path : undefined).to.equal(
      "packages/smartem-epuplayer/dist/epuplayer-windows-v*.exe",
    );
    expect(epuplayer.workflow.jobs["publish-pypi"]!.environment?.url).to.equal("https://pypi.org/p/smartem-epuplayer");
  });
});

function runSteps(job: Job): RunStep[] {
  return job.steps.filter((s: Step): s is RunStep => "run" in s);
}
