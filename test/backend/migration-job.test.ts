import { expect } from "chai";
import { evaluateStack, resourcesOfType } from "../support/evaluate";
import { TYPES } from "../../components/shared/project";

const JOB = TYPES.job;

describe("the migration Job is never replaced beside a running one", () => {
  it("replaceUnready (re-run a failed Job) comes with delete-before-replace in the foreground", async () => {
    for (const stack of ["dev", "staging", "production"]) {
      const [job, ...others] = resourcesOfType(await evaluateStack(stack), JOB);
      expect(others, stack).to.deep.equal([]);
      const annotations = (job!.inputs.metadata as { annotations: Record<string, string> }).annotations;
      // The provider replaces an unready Job, a running one too (an interrupted `up`): the old
      // Job and its pods must be gone before the new migration starts.
      expect(annotations["pulumi.com/replaceUnready"], stack).to.equal("true");
      expect(job!.deleteBeforeReplace, stack).to.equal(true);
      expect(annotations["pulumi.com/deletionPropagationPolicy"], stack).to.equal("foreground");
    }
  });
});
