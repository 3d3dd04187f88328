import { expect } from "chai";
import * as YAML from "yaml";
import { TYPES } from "../../components/shared/project";
import { DELIVERY_BRANCH, deliveryEnvironmentSpecs } from "../../components/delivery/environments";
import { deliveryWorkflowFiles } from "../../tools/delivery/delivery-workflows";
import { evaluateStack, resource, resourcesOfType, stackRefusal } from "../support/evaluate";

const REVIEWERS = { users: [], teams: [1000001] };

describe("this repository's delivery environments (smartem:deliveryRepository)", () => {
  it("production declares staging, production, preview-* and drift-* of the repository, each with its policies", async () => {
    const ev = await evaluateStack("production");
    const envs = resourcesOfType(ev, TYPES.environment).filter((r) => r.inputs.repository === "smartem-release-infra");
    expect(envs.map((e) => e.inputs.environment).sort()).to.deep.equal([
      "drift-production",
      "drift-staging",
      "preview-production",
      "preview-staging",
      "production",
      "staging",
    ]);
    for (const env of envs) {
      expect(env.inputs.canAdminsBypass, String(env.inputs.environment)).to.equal(false);
      expect(env.parent).to.match(/smartem:delivery:DeliveryEnvironments::delivery$/);
    }
    const production = resource(ev, TYPES.environment, "delivery-production");
    expect(production.inputs).to.deep.include({ preventSelfReview: true, reviewers: [REVIEWERS] });
    const branch = resource(ev, TYPES.deploymentPolicy, "delivery-production-branches");
    expect(branch.inputs).to.deep.equal({
      repository: "smartem-release-infra",
      environment: "production",
      branchPattern: "main",
    });
    expect(branch.dependsOn).to.include(production.urn);
  });

  it("write credentials (staging, production) and drift checks deploy from main only; previews from any branch, after a reviewer other than the author", () => {
    const specs = new Map(deliveryEnvironmentSpecs("infra", REVIEWERS).map((s) => [s.environment, s]));
    for (const name of ["staging", "production", "drift-staging", "drift-production"]) {
      const spec = specs.get(name)!;
      expect(spec.deploymentBranchPolicy, name).to.deep.equal({ protectedBranches: false, customBranchPolicies: true });
      expect(spec.deploymentPolicies, name).to.deep.equal([{ branchPattern: DELIVERY_BRANCH }]);
    }
    for (const name of ["production", "preview-staging", "preview-production"]) {
      expect(specs.get(name), name).to.deep.include({ reviewers: REVIEWERS, preventSelfReview: true });
    }
    for (const name of ["staging", "drift-staging", "drift-production"])
      expect(specs.get(name)!.reviewers, name).to.equal(undefined);
    expect(specs.get("preview-staging")!.deploymentBranchPolicy).to.equal(undefined);
  });

  it("every environment a delivery workflow job names is declared", () => {
    const declared = deliveryEnvironmentSpecs("infra", REVIEWERS).map((s) => s.environment);
    const named = new Set<string>();
    for (const [file, content] of deliveryWorkflowFiles()) {
      const doc = YAML.parse(content) as { jobs: Record<string, { environment?: { name: string } }> };
      for (const [id, job] of Object.entries(doc.jobs)) {
        if (!job.environment) continue;
        expect(declared, `${file} ${id}`).to.include(job.environment.name);
        named.add(job.environment.name);
      }
    }
    // ...and each declared one is named by some job: none is left over, none unused.
    expect([...named].sort()).to.deep.equal([...declared].sort());
  });

  it("unset on staging and dev: no delivery environment", async () => {
    for (const stack of ["staging", "dev"]) {
      const ev = await evaluateStack(stack);
      expect(
        ev.resources.filter((r) => r.type === TYPES.deliveryEnvironments),
        stack,
      ).to.deep.equal([]);
    }
  });

  it("refuses a repository without reviewers, reviewers without a repository, a stack that does not manage GitHub, and a private repository below Enterprise", async () => {
    expect(await stackRefusal("production", { deliveryReviewers: undefined })).to.match(
      /smartem:deliveryReviewers = \(unset\): required with smartem:deliveryRepository/,
    );
    expect(await stackRefusal("production", { deliveryReviewers: '{"teams":[]}' })).to.match(
      /smartem:deliveryReviewers = .*no reviewer: production applies/,
    );
    expect(await stackRefusal("production", { deliveryRepository: undefined })).to.match(
      /smartem:deliveryReviewers = .*set without smartem:deliveryRepository/,
    );
    expect(
      await stackRefusal("staging", { deliveryRepository: "smartem-release-infra", deliveryReviewers: '{"teams":[1]}' }),
    ).to.match(/smartem:deliveryRepository = "smartem-release-infra": this stack does not manage GitHub/);
    expect(await stackRefusal("production", { repositoryVisibility: '{"smartem-release-infra":"private"}' })).to.match(
      /smartem:repositoryVisibility.smartem-release-infra = "private": required reviewers .* need GitHub Enterprise/,
    );
    expect(await stackRefusal("production", { deliveryRepository: "not/a repo" })).to.match(
      /smartem:deliveryRepository = "not\/a repo": not a GitHub repository name/,
    );
  });
});
