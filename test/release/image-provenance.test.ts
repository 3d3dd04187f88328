import { expect } from "chai";
import { renderWorkflow } from "../../components/actions/model";
import { SMARTEM_DECISIONS, pythonPackage } from "../../components/release/package";
import { imageProvenance } from "../../components/release/image-provenance";
import { releasePlan } from "../../components/release/release-workflow";
import * as YAML from "yaml";

describe("image provenance: what the release workflow's image attestation must say", () => {
  const plan = releasePlan(pythonPackage(SMARTEM_DECISIONS));
  const provenance = imageProvenance(plan, "DiamondLightSource")!;

  it("is signed by the release workflow file of the package's repository at the version's release tag", () => {
    expect(provenance.signer("0.2.0")).to.deep.equal({
      subjectAlternativeName:
        "https://github.com/DiamondLightSource/smartem-decisions/.github/workflows/release-smartem-decisions.yml@refs/tags/smartem-decisions-v0.2.0",
      issuer: "https://token.actions.githubusercontent.com",
    });
    expect(provenance.signer("0.2.0rc3").subjectAlternativeName).to.match(/@refs\/tags\/smartem-decisions-v0.2.0rc3$/);
  });

  it("is about the image the rendered workflow attests, with SLSA provenance v1, in the package's repository", () => {
    const rendered = YAML.parse(renderWorkflow(plan.workflow, { generator: "test", changeIn: "test" }));
    const steps = Object.values(
      rendered.jobs as Record<string, { steps: Array<{ uses?: string; with?: Record<string, unknown> }> }>,
    ).flatMap((j) => j.steps);
    // Files are attested by path; the one image by name and digest, pushed to the registry.
    const imageAttestations = steps.filter(
      (s) => s.uses?.startsWith("actions/attest-build-provenance@") && s.with?.["subject-name"] !== undefined,
    );
    expect(imageAttestations).to.have.length(1);
    expect(imageAttestations[0]?.with).to.include({ "push-to-registry": true });
    expect(imageAttestations[0]?.with?.["subject-name"])
      .to.equal(provenance.image)
      .and.to.equal("ghcr.io/diamondlightsource/smartem-decisions");
    expect(provenance).to.include({
      owner: "DiamondLightSource",
      repository: "smartem-decisions",
      predicateType: "https://slsa.dev/provenance/v1",
    });
  });

  it("follows the package model: another workflow file, tag prefix, repository and owner", () => {
    const other = releasePlan(
      pythonPackage({ ...SMARTEM_DECISIONS, repository: "fork", workflowFile: "release.yaml", tagPrefix: "fork-v" }),
    );
    expect(imageProvenance(other, "someone")!.signer("1.0.0").subjectAlternativeName).to.equal(
      "https://github.com/someone/fork/.github/workflows/release.yaml@refs/tags/fork-v1.0.0",
    );
  });

  it("is undefined for a package whose workflow builds no image", () => {
    const { container: _container, ...withoutImage } = SMARTEM_DECISIONS;
    expect(imageProvenance(releasePlan(pythonPackage(withoutImage)), "DiamondLightSource")).to.equal(undefined);
  });
});
