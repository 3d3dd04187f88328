/**
 * What the executed workflow-step tests rely on from their runner (github-step.ts) and the fake
 * REST API (fake-github-rest.ts): were these wrong, those tests would pass against steps that fail
 * on GitHub.
 */
import { expect } from "chai";
import { githubRest } from "../../tools/delivery/github-rest";
import { fakeGithubRest } from "./fake-github-rest";
import { GithubRunner } from "./github-step";

describe("a step run by GithubRunner, as GitHub runs it", () => {
  let runner: GithubRunner;
  const saved = process.env.SMARTEM_TEST_LEAK;
  beforeEach(() => {
    runner = new GithubRunner("github-step");
    process.env.SMARTEM_TEST_LEAK = "from the test process";
  });
  afterEach(() => {
    runner.dispose();
    if (saved === undefined) delete process.env.SMARTEM_TEST_LEAK;
    else process.env.SMARTEM_TEST_LEAK = saved;
  });

  it("sees only the runner's variables, the ones given and the step's own (with its expressions resolved), not the test process's", () => {
    const r = runner.run(
      { run: 'echo "leak=${SMARTEM_TEST_LEAK-unset} given=$GIVEN own=$OWN temp=$RUNNER_TEMP"', env: { OWN: "v${{ inputs.n }}" } },
      { env: { GIVEN: "g" }, expressions: { "inputs.n": "7" } },
    );
    expect(r.status, r.output).to.equal(0);
    expect(r.stdout).to.equal(`leak=unset given=g own=v7 temp=${runner.temp}\n`);
  });

  it("refuses a variable whose expression the test did not resolve, rather than run with its text", () => {
    expect(() => runner.run({ run: "true", env: { TOKEN: "${{ secrets.X }}" } })).to.throw(
      "TOKEN: no value given for the expression ${{ secrets.X }}",
    );
  });

  it("fails on a failed command, also inside a pipe (-e, pipefail), and reads GITHUB_OUTPUT and the summary fresh each step", () => {
    const failed = runner.run('echo "a=1" >> "$GITHUB_OUTPUT"; false | cat; echo "not reached"');
    expect(failed.status).to.equal(1);
    expect(failed.output).to.not.include("not reached");
    expect(failed.githubOutput).to.equal("a=1\n");
    const next = runner.run('echo "## next" >> "$GITHUB_STEP_SUMMARY"');
    expect(next).to.deep.include({ status: 0, githubOutput: "", summary: "## next\n" });
  });

  it("puts the fakes first on PATH and records their arguments, in order", async () => {
    runner.fake("git", ['echo "fake git $1"']);
    const r = await runner.runAsync('git status --short; git "a b"');
    expect(r.stdout).to.equal("fake git status\nfake git a b\n");
    expect(runner.calls("git")).to.equal("status --short\na b\n");
    expect(runner.calls("never-called")).to.equal("");
  });
});

describe("the fake GitHub REST API", () => {
  const env = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "o/r", GITHUB_API_URL: "https://api.invalid" };

  it("answers a route with its :name segments and the query, and records each call", async () => {
    const rest = fakeGithubRest({
      "GET /repos/o/r/issues": ({ query }) => [{ number: 1, label: query.get("labels") }],
      "PATCH /repos/o/r/issues/:number": ({ params, body }) => ({ number: Number(params.number), ...body }),
    });
    const { call, openIssues } = githubRest(env, rest.fetch);
    expect(await openIssues("drift")).to.deep.equal([{ number: 1, label: "drift" }]);
    expect(await call("PATCH", "/issues/12", { state: "closed" })).to.deep.equal({ number: 12, state: "closed" });
    expect(rest.calls).to.deep.equal(["GET /repos/o/r/issues", "PATCH /repos/o/r/issues/12"]);
  });

  it("answers 404 to a call no route expects, so the script under test fails", async () => {
    const rest = fakeGithubRest({ "PATCH /repos/o/r/issues/:number": () => ({}) });
    const { call } = githubRest(env, rest.fetch);
    await call("PATCH", "/pulls/3", {}).then(
      () => expect.fail("an unexpected call must fail"),
      (error: Error) => expect(error.message).to.include("HTTP 404").and.include("PATCH /repos/o/r/pulls/3"),
    );
  });
});
