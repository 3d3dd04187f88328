import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DRIFT_CHECK_SCRIPT } from "../../../tools/delivery/delivery-workflows";
import {
  DRIFT_LABEL,
  Finding,
  OpenIssue,
  PreviewDigest,
  classify,
  decideIssue,
  issueBody,
  upkeep,
} from "../../../tools/delivery/drift-issue";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import { fakeGithubRest } from "../../support/fake-github-rest";
import { GithubRunner } from "../../support/github-step";
import { KEY } from "../../../components/program-config";
import { TYPES } from "../../../components/shared/project";
import { OBJECT_NAMES } from "../../../components/backend/names";

const RUN = "https://github.com/o/r/actions/runs/1";
const URN = "urn:pulumi:production::smartem::smartem:backend:Backend$kubernetes:apps/v1:Deployment::smartem-http-api";

/** A preview digest as `pulumi preview --json` prints it (display.PreviewDigest). */
const digest = (steps: PreviewDigest["steps"], changeSummary: Record<string, number>): string =>
  JSON.stringify({ config: { [KEY.backendVersion]: "0.1.0" }, steps, changeSummary, duration: 1 });
const DRIFTED = digest(
  [
    { op: "same", urn: "urn:pulumi:production::smartem::pulumi:pulumi:Stack::smartem-production" },
    { op: "refresh", urn: "urn:pulumi:production::smartem::kubernetes:core/v1:Service::svc" },
    { op: "update", urn: URN, diffReasons: ["spec"], detailedDiff: { "spec.replicas": { kind: "update" } } },
  ],
  { same: 12, update: 1 },
);
const CLEAN = digest([{ op: "same", urn: URN }], { same: 13 });
const FINDINGS: Finding[] = [
  { op: "update", type: TYPES.deployment, name: OBJECT_NAMES.api, properties: ["spec", "spec.replicas"] },
];

describe("drift check verdict (tools/delivery/drift-issue.ts)", () => {
  it("exit 0 is clean; exit 7 with a plan that changes something is drift, with types, names and property names only", () => {
    expect(classify(0, CLEAN)).to.deep.equal({ result: "clean" });
    expect(classify(0, "")).to.deep.equal({ result: "clean" });
    expect(classify(7, DRIFTED)).to.deep.equal({ result: "drift", findings: FINDINGS });
  });

  it("anything else is an error, never drift: another exit code (even with a plan), no JSON, or a plan without a change", () => {
    for (const [code, out] of [
      [255, DRIFTED],
      [1, DRIFTED],
      [3, "error: this command requires logging in"],
      [7, "not json"],
      [7, CLEAN],
      // Every op that changes nothing (the CLI's rule, and a refresh that found nothing).
      ...(["read", "discard", "read-replacement", "refresh"] as const).map(
        (op) => [7, digest([{ op, urn: URN }], { same: 1, [op]: 1 })] as const,
      ),
    ] as const) {
      expect(classify(code, out).result, `${code} ${out.slice(0, 20)}`).to.equal("error");
    }
  });
});

describe("drift tracker issue decision (pure)", () => {
  const opened = (findings: Finding[], number = 41): OpenIssue => ({
    number,
    body: issueBody("production", findings, "https://old/run"),
  });

  it("drift and no open issue: open one, labelled, naming the stack and the changed resources", () => {
    const action = decideIssue("production", { result: "drift", findings: FINDINGS }, [], RUN);
    expect(action).to.deep.include({ action: "open", title: "Drift in stack production", labels: [DRIFT_LABEL] });
    const body = action.action === "open" ? action.body : "";
    expect(body).to.match(/^<!-- smartem-drift stack=production findings=[0-9a-f]{16} -->\n/);
    expect(body)
      .to.include("| update | `kubernetes:apps/v1:Deployment` | smartem-http-api | `spec`, `spec.replicas` |")
      .and.include(RUN);
  });

  it("the same findings again: no-op (no nightly edit); other findings: edit in place", () => {
    expect(decideIssue("production", { result: "drift", findings: FINDINGS }, [opened(FINDINGS)], RUN).action).to.equal("none");
    const other: Finding[] = [{ ...FINDINGS[0]!, properties: ["spec.template"] }];
    const action = decideIssue("production", { result: "drift", findings: other }, [opened(FINDINGS)], RUN);
    expect(action).to.deep.include({ action: "edit", number: 41 });
    expect(action.action === "edit" && action.body).to.include("`spec.template`");
  });

  it("clean: close the stack's open issue, or nothing when there is none", () => {
    expect(decideIssue("production", { result: "clean" }, [opened(FINDINGS)], RUN)).to.deep.include({
      action: "close",
      number: 41,
    });
    expect(decideIssue("production", { result: "clean" }, [], RUN).action).to.equal("none");
  });

  it("another stack's issue, or an issue without the marker, is not this stack's", () => {
    const staging: OpenIssue = { number: 7, body: issueBody("staging", FINDINGS, RUN) };
    const human: OpenIssue = { number: 8, body: "drift in production? stack=production" };
    expect(decideIssue("production", { result: "clean" }, [staging, human], RUN).action).to.equal("none");
    expect(
      decideIssue("production", { result: "drift", findings: FINDINGS }, [staging, human, { number: 9, body: null }], RUN).action,
    ).to.equal("open");
    expect(
      decideIssue("production-eu", { result: "clean" }, [opened(FINDINGS)], RUN).action,
      "stack names are not prefixes",
    ).to.equal("none");
  });

  it("an error never touches the issue", () => {
    expect(() => decideIssue("production", { result: "error", reason: "exit 255" }, [opened(FINDINGS)], RUN)).to.throw(
      /left as it is/,
    );
  });

  it("upkeep applies the decision through the issues API (open, then close with a comment)", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-issue-"));
    const findings = path.join(temp, "findings.json");
    fs.writeFileSync(findings, JSON.stringify(FINDINGS));
    const issues: Array<OpenIssue & { state: string; labels: string[]; comments: string[] }> = [];
    const issue = (number: string) => issues.find((i) => i.number === Number(number))!;
    const { fetch: fakeFetch, calls } = fakeGithubRest({
      "GET /repos/o/r/issues": ({ query }) => issues.filter((i) => i.state === "open" && i.labels.includes(query.get("labels")!)),
      "POST /repos/o/r/issues": ({ body }) =>
        void issues.push({ number: issues.length + 1, state: "open", body: body.body, labels: body.labels, comments: [] }),
      "POST /repos/o/r/issues/:number/comments": ({ params, body }) => void issue(params.number!).comments.push(body.body),
      "PATCH /repos/o/r/issues/:number": ({ params, body }) => void Object.assign(issue(params.number!), body),
    });
    const env = {
      STACK: "production",
      FINDINGS: findings,
      GITHUB_TOKEN: "t",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_API_URL: "https://api.invalid",
      RUN_URL: RUN,
    };
    try {
      expect((await upkeep({ ...env, RESULT: "drift" }, fakeFetch)).action).to.equal("open");
      expect((await upkeep({ ...env, RESULT: "drift" }, fakeFetch)).action).to.equal("none");
      expect((await upkeep({ ...env, RESULT: "clean" }, fakeFetch)).action).to.equal("close");
      expect(issues).to.have.length(1);
      expect(issues[0]).to.deep.include({ state: "closed", labels: [DRIFT_LABEL] });
      expect(issues[0]!.comments[0]).to.include("clean again");
      expect(calls.filter((c) => !c.startsWith("GET"))).to.deep.equal([
        "POST /repos/o/r/issues",
        "POST /repos/o/r/issues/1/comments",
        "PATCH /repos/o/r/issues/1",
      ]);
      await upkeep({ ...env, RESULT: "error" }, fakeFetch).then(
        () => expect.fail("an error result must not be upkept"),
        (error: Error) => expect(error.message).to.include("allowed: clean or drift"),
      );
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe("the drift check step, run as GitHub runs it (bash --noprofile --norc -eo pipefail) with a fake pulumi", () => {
  let runner: GithubRunner;
  beforeEach(() => {
    runner = new GithubRunner("drift-step");
  });
  afterEach(() => runner.dispose());

  /** A `pulumi` that checks its arguments, prints `stdout` and exits with `code`. */
  function run(code: number, stdout: string): { status: number; output: string; githubOutput: string; findings?: unknown } {
    const plan = runner.write("plan.txt", stdout);
    runner.fake("pulumi", [
      `[ "$*" = "preview --stack o/smartem/production --refresh --expect-no-changes --json --policy-pack policy" ] || { echo "unexpected args: $*" >&2; exit 99; }`,
      `cat "${plan}"`,
      'echo "pulumi diagnostics on stderr" >&2',
      `exit ${code}`,
    ]);
    const result = runner.run(DRIFT_CHECK_SCRIPT, { cwd: PROJECT_ROOT, env: { STACK: "o/smartem/production" } });
    const findingsFile = path.join(runner.temp, "drift", "findings.json");
    return {
      status: result.status,
      output: result.output,
      githubOutput: result.githubOutput,
      ...(fs.existsSync(findingsFile) ? { findings: JSON.parse(fs.readFileSync(findingsFile, "utf8")) } : {}),
    };
  }

  it("pulumi exits 0: result=clean, an empty findings file for the issue job", () => {
    const r = run(0, CLEAN);
    expect(r.status, r.output).to.equal(0);
    expect(r.githubOutput).to.equal("result=clean\n");
    expect(r.findings).to.deep.equal([]);
  });

  it("pulumi exits 7 with a plan showing changes: result=drift and the findings", () => {
    const r = run(7, DRIFTED);
    expect(r.status, r.output).to.equal(0);
    expect(r.githubOutput).to.equal("result=drift\n");
    expect(r.findings).to.deep.equal(FINDINGS);
    expect(r.output).to.include("update kubernetes:apps/v1:Deployment smartem-http-api (spec, spec.replicas)");
  });

  for (const [what, code, out] of [
    ["exits 255 with a plan showing changes", 255, DRIFTED],
    ["fails without a plan", 1, "error: could not reach the cluster\n"],
    ["exits 7 without a JSON plan", 7, "garbage"],
  ] as const) {
    it(`pulumi ${what}: the step fails with an error annotation and writes no result, so the issue job does not run`, () => {
      const r = run(code, out);
      expect(r.status).to.not.equal(0);
      expect(r.output).to.include("::error::").and.include("the drift issue is left as it is");
      expect(r.githubOutput).to.equal("");
      expect(r.findings).to.equal(undefined);
    });
  }
});
