import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COLLECT_FAILURE_SCRIPT, ROLLBACK_SCRIPT, ROLLOUT_DECIDE_SCRIPT } from "../../../tools/delivery/delivery-workflows";
import { FailureFacts, decideFailure, rollbackCommand } from "../../../tools/delivery/rollout-decision";
import { ROLLOUT_LABEL, decideRolloutIssue, upkeep } from "../../../tools/delivery/rollout-issue";
import { PROJECT_ROOT, readStackFile } from "../../../tools/engine/stack-file";
import { fakeGithubRest } from "../../support/fake-github-rest";
import { GithubRunner } from "../../support/github-step";

const facts = (over: Partial<FailureFacts>): FailureFacts => ({
  stack: "o/smartem/staging",
  failedVersion: "0.2.0",
  previous: "0.1.0",
  migratedOutput: "0.1.0",
  completedMigration: "0.1.0",
  backwardCompatible: [],
  ...over,
});

describe("after a failed rollout: roll back or open an incident (tools/delivery/rollout-decision.ts, pure)", () => {
  const table: Array<[string, FailureFacts, string]> = [
    ["the failed version ran no migration: roll back at once", facts({}), "rollback"],
    [
      "its migration failed (the checkpoint shows no completed Job of it): roll back",
      facts({ completedMigration: undefined }),
      "rollback",
    ],
    ["its migration completed, not declared backward compatible: incident", facts({ completedMigration: "0.2.0" }), "incident"],
    [
      "its migration completed and is declared backward compatible: roll back",
      facts({ completedMigration: "0.2.0", backwardCompatible: ["0.2.0"] }),
      "rollback",
    ],
    [
      "another version's declaration does not count",
      facts({ completedMigration: "0.2.0", backwardCompatible: ["0.1.5"] }),
      "incident",
    ],
    [
      "after an earlier rollback the previous version already serves on a newer schema (migratedVersion): the failed run moved nothing, roll back",
      facts({ migratedOutput: "0.1.5", completedMigration: undefined }),
      "rollback",
    ],
    [
      "after an earlier rollback, a retry of the version whose schema is in place migrated nothing new (the checkpoint's Job is that version, the schema migratedVersion names): roll back",
      facts({ failedVersion: "0.1.5", migratedOutput: "0.1.5", completedMigration: "0.1.5" }),
      "rollback",
    ],
    [
      "the failed run migrated past the schema the previous version served on: incident",
      facts({ migratedOutput: "0.1.5", completedMigration: "0.2.0" }),
      "incident",
    ],
    [
      "a failed version retried: its migration is still the checkpoint's completed Job, past the outputs: incident",
      facts({ previous: "0.1.0", migratedOutput: "0.1.0", completedMigration: "0.2.0" }),
      "incident",
    ],
    ["a first deploy has nothing to return to: incident", facts({ previous: undefined, migratedOutput: undefined }), "incident"],
    ["the version did not change (a config or GitHub failure): neither", facts({ previous: "0.2.0" }), "none"],
  ];
  for (const [what, input, expected] of table) {
    it(what, () => expect(decideFailure(input).action, decideFailure(input).why).to.equal(expected));
  }

  it("the rollback, and the incident's command, return to the version that served before, allowDowngrade for that run only", () => {
    const rollback = decideFailure(facts({}));
    expect(rollback).to.deep.include({ previous: "0.1.0", command: rollbackCommand("o/smartem/staging", "0.1.0") });
    expect(rollback.action === "rollback" && rollback.command).to.equal(
      "pulumi up --yes --stack o/smartem/staging --policy-pack policy --config smartem:backendVersion=0.1.0 --config smartem:allowDowngrade=true",
    );
    const incident = decideFailure(facts({ completedMigration: "0.2.0" }));
    expect(incident.action === "incident" && incident.command).to.equal(rollbackCommand("o/smartem/staging", "0.1.0"));
    expect(incident.why).to.include("migrated from 0.1.0 to 0.2.0").and.include("smartem:backwardCompatibleMigrations");
  });

  it("the workflow's rollback step runs exactly the command the issue names", () => {
    const expanded = ROLLBACK_SCRIPT.replace('"$STACK"', "o/smartem/staging")
      .replace('"smartem:backendVersion=$PREVIOUS"', "smartem:backendVersion=0.1.0")
      .trim();
    expect(expanded).to.equal(rollbackCommand("o/smartem/staging", "0.1.0"));
  });
});

describe("the rollout issue: one per stack and failed version (tools/delivery/rollout-issue.ts, pure)", () => {
  const incident = { ...decideFailure(facts({ completedMigration: "0.2.0" })) } as never;
  const rollback = { ...decideFailure(facts({})) } as never;

  it("an incident opens an issue with the logs and the exact rollback command; the same version again comments on it", () => {
    const first = decideRolloutIssue(incident, "", [], "#### kubectl logs job/x\nboom", "https://run");
    expect(first).to.deep.include({
      action: "open",
      title: "Incident: staging failed to roll out 0.2.0",
      labels: [ROLLOUT_LABEL],
    });
    const body = first.action === "open" ? first.body : "";
    expect(body).to.match(/^<!-- smartem-rollout stack=staging version=0.2.0 -->\n/);
    expect(body)
      .to.include("The old pods keep serving; nothing was retried")
      .and.include(rollbackCommand("o/smartem/staging", "0.1.0"))
      .and.include("boom");
    expect(decideRolloutIssue(incident, "", [{ number: 3, body }], "", "r")).to.deep.include({ action: "comment", number: 3 });
    expect(decideRolloutIssue(incident, "", [{ number: 3, body: body.replace("0.2.0", "0.3.0") }], "", "r").action).to.equal(
      "open",
    );
  });

  it("a rollback that worked is reported as such; one that failed is an incident", () => {
    const done = decideRolloutIssue(rollback, "success", [], "", "r");
    expect(done).to.deep.include({ action: "open", title: "Rolled back staging from 0.2.0 to 0.1.0" });
    expect(done.action === "open" && done.body)
      .to.include("Rolled back at once to 0.1.0")
      .and.include("still pins 0.2.0");
    const failed = decideRolloutIssue(rollback, "failure", [], "", "r");
    expect(failed).to.deep.include({ title: "Incident: staging failed to roll out 0.2.0" });
    expect(failed.action === "open" && failed.body).to.include("automatic rollback to 0.1.0 failed");
  });

  it("upkeep opens the issue with the report through the issues API, then comments on it when the same version fails again", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-issue-"));
    const decision = path.join(temp, "decision.json");
    const report = path.join(temp, "report.md");
    fs.writeFileSync(decision, JSON.stringify(incident));
    fs.writeFileSync(report, "#### kubectl logs job/x\nboom\n");
    const issues: Array<{ number: number; body: string; labels: string[]; comments: string[] }> = [];
    const rest = fakeGithubRest({
      "GET /repos/o/r/issues": ({ query }) => issues.filter((i) => i.labels.includes(query.get("labels")!)),
      "POST /repos/o/r/issues": ({ body }) =>
        void issues.push({ number: issues.length + 1, body: body.body, labels: body.labels, comments: [] }),
      "POST /repos/o/r/issues/:number/comments": ({ params, body }) =>
        void issues.find((i) => i.number === Number(params.number))!.comments.push(body.body),
    });
    const env = {
      STACK: "staging",
      DECISION: decision,
      REPORT: report,
      ROLLBACK_OUTCOME: "",
      GITHUB_TOKEN: "t",
      GITHUB_REPOSITORY: "o/r",
      GITHUB_API_URL: "https://api.invalid",
      RUN_URL: "https://run",
    };
    try {
      expect((await upkeep(env, rest.fetch)).action).to.equal("open");
      expect((await upkeep(env, rest.fetch)).action).to.equal("comment");
      expect(issues).to.have.length(1);
      expect(issues[0]!.labels).to.deep.equal([ROLLOUT_LABEL]);
      expect(issues[0]!.body).to.include(rollbackCommand("o/smartem/staging", "0.1.0")).and.include("boom");
      expect(issues[0]!.comments).to.have.length(1);
      expect(rest.calls.filter((c) => !c.startsWith("GET"))).to.deep.equal([
        "POST /repos/o/r/issues",
        "POST /repos/o/r/issues/1/comments",
      ]);
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe("the steps after a failed `pulumi up`, run as GitHub runs them (bash --noprofile --norc -eo pipefail) with fake pulumi and kubectl", () => {
  let runner: GithubRunner;
  beforeEach(() => {
    runner = new GithubRunner("rollout-step");
    fs.mkdirSync(path.join(runner.temp, "rollout"));
  });
  afterEach(() => runner.dispose());

  const step = (script: string, env: Record<string, string>) => runner.run(script, { cwd: PROJECT_ROOT, env });
  const pinned = readStackFile("staging").config["smartem:backendVersion"];
  /** A checkpoint (pulumi stack export) whose migration Job of `version` completed (`pendingDelete`: a replaced one awaiting deletion). */
  const exported = (version: string, pendingDelete = false) =>
    JSON.stringify({
      version: 3,
      deployment: {
        resources: [
          {
            urn: "urn:pulumi:staging::smartem::smartem:backend:Backend$kubernetes:batch/v1:Job::smartem-migrate",
            type: "kubernetes:batch/v1:Job",
            ...(pendingDelete ? { delete: true } : {}),
            outputs: {
              metadata: { name: "smartem-migrate-x1", labels: { "app.kubernetes.io/version": version } },
              status: { conditions: [{ type: "Complete", status: "True" }] },
            },
          },
        ],
      },
    });

  function decide(outputs: object, checkpoint: string) {
    const outputsFile = runner.write("outputs.json", JSON.stringify(outputs));
    const exportFile = runner.write("export.json", checkpoint);
    runner.fake("pulumi", [
      'case "$*" in',
      `  "stack output --json --stack o/smartem/staging") cat "${outputsFile}" ;;`,
      `  "stack export --stack o/smartem/staging") cat "${exportFile}" ;;`,
      '  *) echo "unexpected: $*" >&2; exit 99 ;;',
      "esac",
    ]);
    return step(ROLLOUT_DECIDE_SCRIPT, { STACK: "o/smartem/staging" });
  }

  it(`the stack file's version (${pinned}) failed and ran no migration: action=rollback to the version the outputs name`, () => {
    const r = decide({ backendVersion: "0.0.9", migratedVersion: "0.0.9" }, exported("0.0.9"));
    expect(r.status, r.output).to.equal(0);
    expect(r.githubOutput).to.equal(`action=rollback\nprevious=0.0.9\nfailed=${pinned}\nnamespace=smartem-decisions-staging\n`);
    expect(JSON.parse(fs.readFileSync(path.join(runner.temp, "rollout", "decision.json"), "utf8"))).to.deep.include({
      action: "rollback",
      previous: "0.0.9",
    });
  });

  it("its migration completed (the checkpoint's Job, though the outputs still name the old version): action=incident", () => {
    const r = decide({ backendVersion: "0.0.9", migratedVersion: "0.0.9" }, exported(pinned!));
    expect(r.status, r.output).to.equal(0);
    expect(r.githubOutput).to.match(/^action=incident\nprevious=0\.0\.9\n/);
  });

  it("a completed Job awaiting deletion in the checkpoint is not live: it does not count as the failed version's migration", () => {
    const r = decide({ backendVersion: "0.0.9", migratedVersion: "0.0.9" }, exported(pinned!, true));
    expect(r.status, r.output).to.equal(0);
    expect(r.githubOutput).to.match(/^action=rollback\nprevious=0\.0\.9\n/);
  });

  it("pulumi cannot read the stack: the step fails and decides nothing (no rollback, no issue)", () => {
    runner.fake("pulumi", ['echo "error: could not reach the backend" >&2', "exit 255"]);
    const r = step(ROLLOUT_DECIDE_SCRIPT, { STACK: "o/smartem/staging" });
    expect(r.status).to.not.equal(0);
    expect(r.githubOutput).to.equal("");
  });

  it("the rollback runs one pulumi up with the previous pin and allowDowngrade for that run", () => {
    runner.fake("pulumi", ["exit 0"]);
    const r = step(ROLLBACK_SCRIPT, { STACK: "o/smartem/staging", PREVIOUS: "0.0.9" });
    expect(r.status, r.output).to.equal(0);
    expect(runner.calls("pulumi")).to.equal(
      "up --yes --stack o/smartem/staging --policy-pack policy --config smartem:backendVersion=0.0.9 --config smartem:allowDowngrade=true\n",
    );
  });

  it("the collection writes the migration Job's and the failing pods' logs and events, and a kubectl failure into the report", () => {
    runner.fake("kubectl", [
      'case "$*" in',
      '  *"get jobs -l app.kubernetes.io/component=migration,app.kubernetes.io/version=0.2.0"*) printf "smartem-migrate-x1" ;;',
      '  *"get pods -l app.kubernetes.io/version=0.2.0"*) printf "smartem-migrate-x1-abc smartem-http-api-7f" ;;',
      '  *"logs job/smartem-migrate-x1"*) echo "alembic: Running upgrade 0011 -> 0012" ;;',
      '  *"logs smartem-http-api-7f"*) echo "Traceback: boom" ;;',
      '  *"logs smartem-migrate-x1-abc"*) echo "Error from server: forbidden" >&2; exit 1 ;;',
      '  *"involvedObject.name=smartem-http-api-7f"*) echo "Warning BackOff pod/smartem-http-api-7f Back-off restarting" ;;',
      '  *"get events"*) echo "No resources found" ;;',
      '  *) echo "unexpected: $*" >&2; exit 99 ;;',
      "esac",
    ]);
    const r = step(COLLECT_FAILURE_SCRIPT, { NAMESPACE: "smartem-decisions-staging", FAILED: "0.2.0" });
    expect(r.status, r.output).to.equal(0);
    const report = fs.readFileSync(path.join(runner.temp, "rollout", "report.md"), "utf8");
    expect(report)
      .to.include("#### kubectl logs job/smartem-migrate-x1\n\n```text\nalembic: Running upgrade 0011 -> 0012\n```")
      .and.include("Traceback: boom")
      .and.include("Back-off restarting")
      .and.include("Error from server: forbidden\n(exit status 1)");
    expect(runner.calls("kubectl")).to.include(
      "-n smartem-decisions-staging get events --field-selector involvedObject.name=smartem-migrate-x1",
    );
  });
});
