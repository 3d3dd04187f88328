import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import {
  CREDENTIALS,
  DEPLOYED_STACKS,
  DRIFT_CHECK_SCRIPT,
  deliveryWorkflowFiles,
  managesGithub,
} from "../../../tools/delivery/delivery-workflows";
import { GithubRunner } from "../../support/github-step";
import { actionlintFindings, unpinnedUses, workflowParserFindings } from "../../support/workflow-lint";

interface Doc {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string };
  jobs: Record<
    string,
    {
      needs?: string[];
      if?: string;
      environment?: { name: string };
      concurrency?: { group: string };
      permissions: Record<string, string>;
      steps: Array<{ id?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; run?: string }>;
    }
  >;
}

const files = deliveryWorkflowFiles();
const doc = (file: string): Doc => YAML.parse(files.get(`.github/workflows/${file}`) ?? "") as Doc;
const pulumiSteps = (d: Doc, job: string) =>
  d.jobs[job].steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
/** Steps that run Pulumi against a stack: they carry the backend's token. */
const stackSteps = (d: Doc, job: string) => d.jobs[job].steps.filter((s) => s.env && "PULUMI_ACCESS_TOKEN" in s.env);
const stackOf = (job: string): string => job.split("-").pop()!;
const secretsOf = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);

describe("this repository's delivery workflows (.github/workflows)", () => {
  it("the checked-in files are the generated ones (run `npm run golden` after a change)", () => {
    for (const [file, content] of files) {
      expect(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"), file).to.equal(content);
    }
    const onDisk = fs.readdirSync(path.join(PROJECT_ROOT, ".github", "workflows")).map((f) => `.github/workflows/${f}`);
    expect(onDisk.sort()).to.deep.equal([...files.keys()].sort());
  });

  it("pass actionlint and GitHub's parser, and pin every action by SHA", async () => {
    for (const [file, content] of files) {
      expect(await actionlintFindings(content), file).to.deep.equal([]);
      expect(await workflowParserFindings(content, path.basename(file)), file).to.deep.equal([]);
      expect(unpinnedUses(content), file).to.deep.equal([]);
    }
  });

  it("grant nothing at workflow level; the only writes: issues in the issue jobs, contents + pull-requests in the bump PR jobs", () => {
    const expected = (id: string): string[] =>
      id.startsWith("drift-issue-") || id.startsWith("rollout-issue-")
        ? ["issues"]
        : id.startsWith("pr-")
          ? ["contents", "pull-requests"]
          : [];
    for (const [file] of files) {
      const d = doc(path.basename(file));
      expect(d.permissions, file).to.deep.equal({});
      for (const [id, job] of Object.entries(d.jobs)) {
        const writes = Object.entries(job.permissions ?? {})
          .filter(([, level]) => level === "write")
          .map(([scope]) => scope);
        expect(writes, `${file} ${id}`).to.deep.equal(expected(id));
        if (writes.length > 0) {
          // A job with a write token holds no stack credential and installs nothing.
          expect(job.environment, `${file} ${id}`).to.equal(undefined);
          expect(secretsOf(job), `${file} ${id}`).to.deep.equal([]);
          expect(JSON.stringify(job), `${file} ${id}`).to.not.match(/npm (ci|install|run)|cache/);
        }
      }
    }
  });

  it("on a pull request: tests, an offline render diff that needs no secret, and previews for same-repository PRs", () => {
    const pr = doc("pull-request.yml");
    expect(Object.keys(pr.on)).to.deep.equal(["pull_request"]);
    const diff = pr.jobs["render-diff"];
    expect(JSON.stringify(diff)).to.not.contain("secrets.");
    expect(diff.steps.map((s) => s.run ?? "").join("\n"))
      .to.contain("diff -ruN base head")
      .and.contain("GITHUB_STEP_SUMMARY");
    for (const stack of DEPLOYED_STACKS) {
      const job = pr.jobs[`preview-${stack}`];
      // Fork PRs get no secrets (environment secrets included): their previews are skipped.
      expect(job.if).to.equal("github.event.pull_request.head.repo.full_name == github.repository");
      const [step] = pulumiSteps(pr, `preview-${stack}`);
      // The result goes to the job summary: no token that could write in a job running PR code.
      expect(step.with).to.include({ command: "preview", "comment-on-summary": true, policyPacks: "policy" });
      expect(step.with).to.not.have.property("comment-on-pr");
      expect(job.permissions).to.deep.equal({ contents: "read" });
      expect(String(step.with?.["stack-name"])).to.match(new RegExp(`/smartem/${stack}$`));
    }
  });

  it("on merge: staging is applied first, then production in its own environment", () => {
    const deploy = doc("deploy.yml");
    expect(deploy.on).to.have.property("push");
    expect(deploy.jobs["up-staging"].needs).to.deep.equal(["test"]);
    expect(deploy.jobs["up-production"].needs).to.deep.equal(["up-staging"]);
    expect(deploy.jobs["up-staging"].environment).to.deep.equal({ name: "staging" });
    expect(deploy.jobs["up-production"].environment).to.deep.equal({ name: "production" });
    for (const job of ["up-staging", "up-production"]) {
      expect(deploy.jobs[job].if, `${job} applies main only, even when started by hand elsewhere`).to.equal(
        "github.ref == 'refs/heads/main'",
      );
    }
    expect(pulumiSteps(deploy, "up-production")[0].with).to.include({ command: "up", policyPacks: "policy" });
  });

  it("nightly: per stack, a refresh preview classified by drift-issue.ts, then the tracker issue in a job of its own", () => {
    const drift = doc("drift.yml");
    expect(drift.on).to.have.property("schedule");
    for (const stack of DEPLOYED_STACKS) {
      const check = drift.jobs[`drift-${stack}`];
      const step = check.steps.find((s) => s.id === "check")!;
      expect(step.run).to.equal(DRIFT_CHECK_SCRIPT);
      expect(step.env?.STACK).to.match(new RegExp(`/smartem/${stack}$`));
      expect((check as { outputs?: unknown }).outputs).to.deep.equal({ result: "${{ steps.check.outputs.result }}" });
      const issue = drift.jobs[`drift-issue-${stack}`];
      expect(issue.needs).to.deep.equal([`drift-${stack}`]);
      expect(issue.environment, "the issue job gets no stack credentials").to.equal(undefined);
      expect(secretsOf(issue)).to.deep.equal([]);
      expect(issue.steps.map((s) => s.run).filter(Boolean)).to.deep.equal(["node tools/delivery/drift-issue.ts upkeep"]);
      expect(JSON.stringify(issue), "nothing installed beside the issues token").to.not.match(/npm (ci|install)|cache/);
      expect(issue.steps.at(-1)!.env).to.include({
        GITHUB_TOKEN: "${{ github.token }}",
        STACK: stack,
        RESULT: `\${{ needs.drift-${stack}.outputs.result }}`,
      });
    }
  });

  it("the render diff reports a failed render instead of stopping before the summary", () => {
    const steps = doc("pull-request.yml").jobs["render-diff"].steps;
    const render = steps.find((s) => s.run?.includes("render_all"))!;
    expect(render.run!.indexOf('mkdir -p "$RUNNER_TEMP/render"')).to.be.within(0, render.run!.indexOf("render_all()"));
    const summary = steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY")) as { if?: string };
    expect(summary.if).to.equal("always()");
  });

  describe("the render diff summary step, run as GitHub runs it (bash --noprofile --norc -eo pipefail)", () => {
    const step = doc("pull-request.yml").jobs["render-diff"].steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"))!;
    let runner: GithubRunner;
    beforeEach(() => {
      runner = new GithubRunner("render-diff");
    });
    afterEach(() => runner.dispose());

    /** Lays out $RUNNER_TEMP/render/{base,head} and runs the step's script; returns its status and the summary. */
    function runStep(
      base: Record<string, string>,
      head: Record<string, string>,
      failed: string[] = [],
    ): { status: number; summary: string; stderr: string } {
      for (const [side, files] of [
        ["base", base],
        ["head", head],
      ] as const) {
        for (const [file, content] of Object.entries(files)) runner.write(path.join(runner.temp, "render", side, file), content);
      }
      for (const f of failed)
        runner.write(path.join(runner.temp, "render", `${f}.failed`), `render of production failed (${f})\n`);
      return runner.run(step.run!);
    }

    const render = { "production/plan.json": "{}\n", "production/github/r/.github/workflows/w.yml": "on: push\n" };

    it("an unchanged render: success and 'No change.'", () => {
      const run = runStep(render, render);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.summary).to.equal("## What this PR changes in the rendered desired state\nNo change.\n");
    });

    it("a changed render: success and the unified diff in the summary", () => {
      const run = runStep(render, { ...render, "production/plan.json": '{"changed": true}\n' });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.summary)
        .to.contain("```diff\n")
        .and.contain('+{"changed": true}')
        .and.match(/```\n$/);
    });

    it("a failed render of the PR head: the summary names it and the job fails", () => {
      const run = runStep(render, render, ["head"]);
      expect(run.status).to.equal(1);
      expect(run.summary).to.contain("render of production failed (head)");
    });

    it("a failed render of the base only: reported, the job still passes", () => {
      const run = runStep(render, render, ["base"]);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.summary).to.contain("render of production failed (base)");
    });
  });

  it("run applies in the stack's environment, previews in preview-<stack>, drift checks in drift-<stack>", () => {
    for (const [file] of files) {
      const d = doc(path.basename(file));
      for (const [id, job] of Object.entries(d.jobs)) {
        if (stackSteps(d, id).length === 0) {
          expect(job.environment, `${file} ${id} runs no pulumi and needs no environment`).to.equal(undefined);
          continue;
        }
        const stack = stackOf(id);
        // A bump proposal reads the stack's outputs with the drift check's read-only credentials.
        const expected = id.startsWith("up-")
          ? stack
          : id.startsWith("drift-") || id.startsWith("propose-")
            ? `drift-${stack}`
            : `preview-${stack}`;
        expect(job.environment?.name, `${file} ${id}`).to.equal(expected);
      }
    }
  });

  it("name write credentials only in the applies (staging/production environments); previews and drift checks only read-only ones", () => {
    const write = new Set(secretsOf(CREDENTIALS.write));
    const readOnly = new Set(secretsOf(CREDENTIALS.readOnly));
    expect([...readOnly].every((name) => name.endsWith("_READONLY"))).to.equal(true);
    for (const [file] of files) {
      const d = doc(path.basename(file));
      for (const [id, job] of Object.entries(d.jobs)) {
        const named = secretsOf(job);
        const environment = job.environment?.name ?? "";
        if (named.some((name) => write.has(name))) expect(["staging", "production"], `${file} ${id}`).to.include(environment);
        if (environment.startsWith("preview-") || environment.startsWith("drift-")) {
          expect(
            named.filter((name) => !readOnly.has(name)),
            `${file} ${id}`,
          ).to.deep.equal(["PULUMI_CONFIG_PASSPHRASE"]);
        }
      }
    }
  });

  it("no other job joins the deploy's concurrency group (GitHub cancels the older pending run of a group), and drift checks join none", () => {
    const deploy = doc("deploy.yml");
    expect(deploy.concurrency).to.deep.include({ group: "deploy", "cancel-in-progress": false });
    for (const [file] of files) {
      const d = doc(path.basename(file));
      const groups = [d.concurrency?.group, ...Object.values(d.jobs).map((j) => j.concurrency?.group)].filter(Boolean);
      if (file.endsWith("deploy.yml")) continue;
      expect(groups, file).to.not.include("deploy");
    }
    for (const [id, job] of Object.entries(doc("drift.yml").jobs)) expect(job.concurrency, id).to.equal(undefined);
  });

  it("jobs of a stack that manages no GitHub side (smartem:manageGithub: false) get no GitHub token", () => {
    expect(managesGithub("staging")).to.equal(false);
    expect(managesGithub("production")).to.equal(true);
    for (const [file] of files) {
      const d = doc(path.basename(file));
      for (const id of Object.keys(d.jobs)) {
        for (const step of stackSteps(d, id)) {
          // A bump proposal only reads the stack's outputs: no GitHub provider runs.
          const wanted = !id.startsWith("propose-") && managesGithub(stackOf(id) as "staging" | "production");
          expect("GITHUB_TOKEN" in (step.env ?? {}), `${file} ${id}`).to.equal(wanted);
        }
      }
    }
  });

  it("install the Pulumi CLI of the SDK the program is locked to", () => {
    const locked = (
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version: string }>;
      }
    ).packages["node_modules/@pulumi/pulumi"].version;
    const installing: string[] = [];
    const running: string[] = [];
    for (const [file] of files) {
      const d = doc(path.basename(file));
      for (const id of Object.keys(d.jobs)) {
        const installs = d.jobs[id].steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
        for (const step of installs) expect(step.with?.["pulumi-version"], `${file} ${id}`).to.equal(locked);
        if (installs.length > 0) installing.push(`${file} ${id}`);
        if (stackSteps(d, id).length > 0) running.push(`${file} ${id}`);
      }
    }
    // Every job that runs Pulumi against a stack installs the CLI this way, and only those do.
    expect(running).to.have.length.greaterThan(0);
    expect(installing).to.deep.equal(running);
  });

  it("give each stack only its own kubeconfig", () => {
    const given: string[] = [];
    for (const [file] of files) {
      const d = doc(path.basename(file));
      for (const [id, job] of Object.entries(d.jobs)) {
        const secrets = job.steps.map((s) => s.env?.KUBECONFIG_DATA).filter(Boolean);
        // Applies, previews and drift checks get their stack's kubeconfig; every other job none.
        const [, command, name] = /^(up|preview|drift)-([a-z]+)$/.exec(id) ?? [];
        const stack = DEPLOYED_STACKS.find((s) => s === name);
        const kind = command === "up" ? "" : "_READONLY";
        const expected = stack ? [`\${{ secrets.KUBECONFIG_${stack.toUpperCase()}${kind} }}`] : [];
        expect(secrets, `${file} ${id}`).to.deep.equal(expected);
        if (stack) given.push(id);
      }
    }
    expect(given.sort()).to.deep.equal(
      DEPLOYED_STACKS.flatMap((stack) => ["up", "preview", "drift"].map((command) => `${command}-${stack}`)).sort(),
    );
  });
});
