/**
 * Render-layout contribution of the release workflows: a Mermaid picture of each
 * package's pipeline, `github/<repository>/release-pipeline-<package>.mmd`, drawn from the
 * release plans the program built (the ones its committed workflows come from).
 */
import type { FileRenderer } from "./files";
import { pipelineDiagram } from "../../components/release/pipeline-diagram";

export const releasePipelines: FileRenderer = (evaluation, files) => {
  for (const plan of evaluation.releasePlans) {
    files.set(`github/${plan.pkg.repository}/release-pipeline-${plan.pkg.name}.mmd`, pipelineDiagram(plan));
  }
};
