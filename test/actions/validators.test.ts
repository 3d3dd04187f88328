import { expect } from "chai";
import { listStacks } from "../../tools/engine/stack-file";
import { pythonPackage } from "../../components/release/package";
import { workflowContent } from "../../components/release/python-package-release";
import { releasePlan } from "../../components/release/release-workflow";
import { offlineOptions } from "../../tools/engine/offline";
import { evaluateStack, resourcesOfType } from "../support/evaluate";
import { EPUPLAYER } from "../support/packages";
import { actionlintFindings, unpinnedUses, workflowParserFindings } from "../support/workflow-lint";
import { KEY } from "../../components/program-config";
import { TYPES } from "../../components/shared/project";

/** Every workflow the program commits, for every stack, plus the second package's. */
async function generatedWorkflows(): Promise<Array<[string, string]>> {
  const all: Array<[string, string]> = [];
  for (const stack of listStacks()) {
    for (const r of resourcesOfType(await evaluateStack(stack), TYPES.repositoryFile)) {
      if (String(r.inputs.file).startsWith(".github/workflows/"))
        all.push([`${stack}: ${r.inputs.repository}/${r.inputs.file}`, String(r.inputs.content)]);
    }
  }
  all.push(["EPUPlayer", workflowContent(releasePlan(pythonPackage(EPUPLAYER)))]);
  return all;
}

describe("every generated workflow passes both validators and pins every action", () => {
  let workflows: Array<[string, string]>;
  before(async () => {
    workflows = await generatedWorkflows();
  });

  it("there is a workflow for every stack that manages GitHub and the second package", () => {
    const managing = listStacks().filter((s) => offlineOptions(s).config[KEY.manageGithub] !== "false");
    expect(managing).to.include.members(["dev", "production"]);
    expect(workflows.map(([label]) => label)).to.include.members(
      managing.map((s) => `${s}: smartem-decisions/.github/workflows/release-smartem-decisions.yml`),
    );
    expect(workflows.length).to.equal(managing.length + 1);
  });

  it("actionlint reports nothing", async () => {
    for (const [label, content] of workflows) expect(await actionlintFindings(content), label).to.deep.equal([]);
  });

  it("GitHub's workflow parser reports nothing", async () => {
    for (const [label, content] of workflows) expect(await workflowParserFindings(content), label).to.deep.equal([]);
  });

  it("every `uses:` is owner/repo@<40-hex sha> # vX.Y.Z", () => {
    for (const [label, content] of workflows) {
      expect(content, label).to.match(/uses: /);
      expect(unpinnedUses(content), label).to.deep.equal([]);
    }
  });
});

describe("the validators catch what they are relied on for", () => {
  const valid = workflowContent(releasePlan(pythonPackage(EPUPLAYER)));

  it("actionlint: an undefined needs reference and untrusted input in run", async () => {
    expect(await actionlintFindings(valid.replace("needs.version.outputs.kind", "needs.nope.outputs.kind"))).to.have.length.above(
      0,
    );
    const injected = valid.replace("run: uv run pyright src", 'run: echo "${{ github.event.pull_request.title }}"');
    expect((await actionlintFindings(injected)).join("\n")).to.match(/untrusted/);
  });

  it("workflow parser: an unknown job key", async () => {
    expect(await workflowParserFindings(valid.replace(/timeout-minutes:/, "timeout-minutez:"))).to.have.length.above(0);
  });

  it("the pin check: a tag ref, a branch ref and a sha without its tag comment", () => {
    expect(unpinnedUses("    - uses: actions/checkout@v4\n      uses: actions/setup-python@main\n")).to.have.length(2);
    expect(unpinnedUses(`  - uses: actions/checkout@${"a".repeat(40)}\n`)).to.have.length(1);
  });
});
