import { expect } from "chai";
import { PythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { releasePlan, trustedPublisher } from "../../components/release/release-workflow";
import { trustedPublisherInstructions } from "../../components/release/trusted-publisher";

/** Read off the workflow's plan, as the program does. */
const trustedPublisherFor = (pkg: PythonPackage, owner: string) => trustedPublisher(releasePlan(pkg), owner);

const SMARTEM: PythonPackage = { ...SMARTEM_DECISIONS, paths: [...SMARTEM_DECISIONS.paths] };

describe("trusted publisher", () => {
  it("follows every field of the model", () => {
    const other: PythonPackage = {
      ...SMARTEM,
      name: "epuplayer",
      repository: "epu-tools",
      workflowFile: "release-epuplayer.yaml",
      pypiEnvironment: "pypi-epuplayer",
      tagPrefix: "epuplayer-v",
    };
    expect(trustedPublisherFor(other, "someone")).to.deep.equal({
      pypiProject: "epuplayer",
      owner: "someone",
      repository: "epu-tools",
      workflow: "release-epuplayer.yaml",
      environment: "pypi-epuplayer",
    });
  });

  it("the steps show every value to type into PyPI's form", () => {
    const text = trustedPublisherInstructions([trustedPublisherFor(SMARTEM, "DiamondLightSource")]);
    for (const row of [
      "| Owner | `DiamondLightSource` |",
      "| Repository name | `smartem-decisions` |",
      "| Workflow name | `release-smartem-decisions.yml` |",
      "| Environment name | `pypi` |",
      "https://pypi.org/manage/project/smartem-decisions/settings/publishing/",
    ]) {
      expect(text).to.include(row);
    }
    expect(() => trustedPublisherInstructions([])).to.throw(/no trusted publisher/);
    // A project named unlike its repository: each field shows its own value.
    const other = { ...SMARTEM, name: "epuplayer", repository: "epu-tools", workflowFile: "release-epuplayer.yaml" };
    const table = trustedPublisherInstructions([trustedPublisherFor(other, "someone")])
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| `") && /`/.test(line));
    expect(table.slice(0, 5)).to.deep.equal([
      "| PyPI Project Name (pending publisher only) | `epuplayer` |",
      "| Owner | `someone` |",
      "| Repository name | `epu-tools` |",
      "| Workflow name | `release-epuplayer.yaml` |",
      "| Environment name | `pypi` |",
    ]);
  });

  it("say that PEP 740 attestations come with trusted publishing, and how to verify each artifact", () => {
    const text = trustedPublisherInstructions([trustedPublisherFor(SMARTEM, "DiamondLightSource")]);
    expect(text).to.match(/PEP 740 attestations/);
    expect(text).to.include(
      "pypi-attestations verify pypi --repository https://github.com/DiamondLightSource/smartem-decisions pypi:smartem_decisions-<version>-py3-none-any.whl",
    );
    expect(text).to.include("gh attestation verify <file> --repo DiamondLightSource/smartem-decisions");
    expect(text).to.include("--bundle <file>.intoto.jsonl");
    expect(text).to.include("gh attestation verify oci://");
  });
});
