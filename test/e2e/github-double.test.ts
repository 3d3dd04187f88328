/**
 * The GitHub API double answers what GitHub's OpenAPI description allows and refuses (and
 * records) everything else; it keeps what it was sent, with GitHub's semantics where the
 * provider relies on them (an environment PUT keeps its deployment policies; a file update
 * needs the current blob sha).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OpenApiChecker } from "../../e2e/github-double/openapi";
import { GitHubDouble } from "../../e2e/github-double/server";
import { upkeep as rolloutIssueUpkeep } from "../../tools/delivery/rollout-issue";

describe("GitHub API double", function () {
  this.timeout(30000);
  let double: GitHubDouble;
  let base: string;

  before(async () => {
    double = new GitHubDouble("DiamondLightSource", ["smartem-decisions"]);
    base = await double.start();
  });
  after(() => double.stop());

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token = "token e2e",
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { authorization: token, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const REPO = "/repos/DiamondLightSource/smartem-decisions";

  it("keeps issues: deploy.yml's rollout issue is opened, then commented on, through requests GitHub's description allows", async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "double-issues-"));
    const decision = path.join(temp, "decision.json");
    fs.writeFileSync(
      decision,
      JSON.stringify({
        action: "incident",
        stack: "organization/smartem/staging",
        failedVersion: "0.4.0",
        previous: "0.2.0",
        why: "w",
        command: "pulumi up",
      }),
    );
    const env = {
      STACK: "staging",
      DECISION: decision,
      GITHUB_TOKEN: "e2e",
      GITHUB_REPOSITORY: "DiamondLightSource/smartem-decisions",
      GITHUB_API_URL: base,
      RUN_URL: "https://run",
    };
    try {
      const before = double.problems.length;
      expect((await rolloutIssueUpkeep(env)).action).to.equal("open");
      expect((await rolloutIssueUpkeep(env)).action).to.equal("comment");
      expect(double.problems.slice(before)).to.deep.equal([]);
      const [issue] = double.issues("smartem-decisions");
      expect(issue).to.deep.include({
        number: 1,
        state: "open",
        labels: ["rollout-failure"],
        title: "Incident: staging failed to roll out 0.4.0",
      });
      expect(issue!.comments).to.have.length(1);
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });

  it("listens on loopback only", () => {
    expect(new URL(base).hostname).to.equal("127.0.0.1");
  });

  it("keeps a ruleset as sent and refuses one GitHub's description does not allow", async () => {
    const ruleset = {
      name: "smartem-decisions-release-tags",
      target: "tag",
      enforcement: "active",
      bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }],
      conditions: { ref_name: { include: ["refs/tags/smartem-decisions-v*"], exclude: [] } },
      rules: [{ type: "deletion" }, { type: "non_fast_forward" }],
    };
    const created = await call("POST", `${REPO}/rulesets`, ruleset);
    expect(created.status).to.equal(201);
    expect((await call("GET", `/api/v3${REPO}/rulesets/${String(created.json.id)}`)).json).to.include({
      name: ruleset.name,
      target: "tag",
    });
    expect(double.state("smartem-decisions").rulesets[ruleset.name]).to.deep.include({
      conditions: ruleset.conditions,
      rules: ruleset.rules,
    });

    const before = double.problems.length;
    const bad = await call("POST", `${REPO}/rulesets`, { ...ruleset, name: "x", target: "tags" });
    expect(bad.status).to.equal(422);
    expect(double.problems.slice(before).join()).to.match(/body\/target must be equal to one of the allowed values/);
  });

  it("refuses and records a path that is not in the API, and a request without a token", async () => {
    const before = double.problems.length;
    expect((await call("GET", `${REPO}/no-such-thing`)).status).to.equal(404);
    expect((await call("GET", "/user", undefined, "")).status).to.equal(401);
    expect((await call("GET", "/user", undefined, "token")).status, "a scheme without its token").to.equal(401);
    expect(double.problems.slice(before)).to.have.length(3);
  });

  it("refuses and records a method the path does not have, and a body where the operation takes none", async () => {
    const before = double.problems.length;
    // The path exists (GET, PUT, DELETE), PATCH does not.
    expect((await call("PATCH", `${REPO}/environments/pypi`, { wait_timer: 1 })).status).to.equal(404);
    expect((await call("DELETE", `${REPO}/rulesets/1`, { name: "x" })).status).to.equal(422);
    const problems = double.problems.slice(before);
    expect(problems).to.have.length(2);
    expect(problems[0]).to.match(/^PATCH .*\/environments\/pypi is not in GitHub's REST API description/);
    expect(problems[1]).to.equal("DELETE /repos/{owner}/{repo}/rulesets/{ruleset_id} takes no JSON body");
  });

  it("refuses and records a request without the body its operation requires", async () => {
    const before = double.problems.length;
    expect((await call("POST", `${REPO}/rulesets`)).status).to.equal(422);
    expect(double.problems.slice(before)).to.deep.equal(["POST /repos/{owner}/{repo}/rulesets requires a JSON body"]);
  });

  it("reads a path as the operation whose literal segments match it, whatever the description's order", () => {
    // A parameter template listed before the literal one, as a description may list them.
    const checker = new OpenApiChecker({
      paths: {
        "/repos/{owner}/{repo}/rulesets/{ruleset_id}": { get: { operationId: "repos/get-repo-ruleset" } },
        "/repos/{owner}/{repo}/rulesets/rule-suites": { get: { operationId: "repos/get-repo-rule-suites" } },
      },
      components: {},
    });
    expect(checker.match("GET", "/repos/o/r/rulesets/rule-suites")).to.deep.equal({
      operationId: "repos/get-repo-rule-suites",
      template: "/repos/{owner}/{repo}/rulesets/rule-suites",
      params: { owner: "o", repo: "r" },
    });
    expect(checker.match("GET", "/repos/o/r/rulesets/42")?.params).to.deep.equal({ owner: "o", repo: "r", ruleset_id: "42" });
  });

  it("an environment PUT keeps its deployment policies; a missing object is a 404, not a problem", async () => {
    const before = double.problems.length;
    expect((await call("GET", `${REPO}/environments/pypi`)).status).to.equal(404);
    const settings = {
      reviewers: [{ type: "Team", id: 1000001 }],
      prevent_self_review: true,
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    };
    expect((await call("PUT", `${REPO}/environments/pypi`, settings)).status).to.equal(200);
    const policy = await call("POST", `${REPO}/environments/pypi/deployment-branch-policies`, {
      name: "smartem-decisions-v*",
      type: "tag",
    });
    expect(policy.status).to.equal(200);
    await call("PUT", `${REPO}/environments/pypi`, settings);
    expect(double.state("smartem-decisions").environments.pypi!.policies).to.deep.equal([
      { name: "smartem-decisions-v*", type: "tag" },
    ]);
    expect(double.problems.length).to.equal(before);
  });

  it("commits a file, updates it only with the current sha, and deletes it", async () => {
    const path = `${REPO}/contents/.github/workflows/release-smartem-decisions.yml`;
    const put = (content: string, sha?: string) =>
      call("PUT", path, {
        message: "Update release workflow",
        content: Buffer.from(content).toString("base64"),
        branch: "main",
        ...(sha ? { sha } : {}),
      });
    const created = await put("name: release\n");
    expect(created.status).to.equal(201);
    const sha = (created.json.content as { sha: string }).sha;
    expect((await put("name: release 2\n")).status, "no sha: conflict").to.equal(422);
    expect((await put("name: release 2\n", sha)).status).to.equal(200);
    // The first sha is stale now: neither an update nor a delete may use it.
    expect((await put("name: release 3\n", sha)).status, "a stale sha: conflict").to.equal(409);
    expect((await call("DELETE", path, { message: "Remove", sha, branch: "main" })).status, "a stale sha").to.equal(409);
    expect(double.state("smartem-decisions").files[".github/workflows/release-smartem-decisions.yml"]).to.equal(
      "name: release 2\n",
    );
    const current = await call("GET", `${path}?ref=main`);
    expect(Buffer.from(String(current.json.content), "base64").toString()).to.equal("name: release 2\n");
    expect((await call("DELETE", path, { message: "Remove", sha: String(current.json.sha), branch: "main" })).status).to.equal(
      200,
    );
    expect(double.state("smartem-decisions").files).to.deep.equal({});
  });
});
