/**
 * Render-layout contribution of the release workflows: a Mermaid picture of each
 * package's pipeline, `github/<repository>/release-pipeline-<package>.mmd`, rebuilt from
 * the evaluated stack config through the same plan the committed workflow comes from.
 */
import { CONFIG_NAMESPACE, parseConfig } from "../../components/config/keys";
import type { FileRenderer } from "./files";
import { pipelineDiagram } from "../../components/release/pipeline-diagram";
import { releasePlan } from "../../components/release/release-workflow";
import { releaseConfig } from "../../components/release/config";

const PACKAGES_KEY = `${CONFIG_NAMESPACE}:packages`;

export const releasePipelines: FileRenderer = (evaluation, files) => {
  const raw = evaluation.config[PACKAGES_KEY];
  const { packages } = parseConfig({ packages: releaseConfig.packages }, raw === undefined ? {} : { [PACKAGES_KEY]: raw });
  for (const pkg of packages) {
    files.set(`github/${pkg.repository}/release-pipeline-${pkg.name}.mmd`, pipelineDiagram(releasePlan(pkg)));
  }
};
