/**
 * The trusted-publisher tuple PyPI binds (owner, repository, workflow file, environment)
 * and the steps to register it: PyPI has no API for this, a person types it in.
 * Pure functions of the package model the release workflow is rendered from.
 */
import { TrustedPublisher } from "./release-workflow";

export type { TrustedPublisher };

/** Markdown steps to register the trusted publishers of one repository on PyPI. */
export function trustedPublisherInstructions(publishers: readonly TrustedPublisher[]): string {
  const [first] = publishers;
  if (!first) throw new Error("no trusted publisher to describe");
  const lines = [
    `# PyPI trusted publishers of ${first.owner}/${first.repository}`,
    "",
    "PyPI has no API for trusted publishers: a PyPI owner of each project registers it once by hand.",
    "The values below come from the same package model as the release workflow; type them exactly.",
    "",
  ];
  for (const p of publishers) {
    lines.push(
      `## ${p.pypiProject}`,
      "",
      "| PyPI form field | Value |",
      "| --- | --- |",
      `| PyPI Project Name (pending publisher only) | \`${p.pypiProject}\` |`,
      `| Owner | \`${p.owner}\` |`,
      `| Repository name | \`${p.repository}\` |`,
      `| Workflow name | \`${p.workflow}\` |`,
      `| Environment name | \`${p.environment}\` |`,
      "",
      "Steps:",
      "",
      `1. Sign in to PyPI as an owner of \`${p.pypiProject}\`.`,
      `2. If the project exists: open https://pypi.org/manage/project/${p.pypiProject}/settings/publishing/ ;`,
      "   if it has never been published: open https://pypi.org/manage/account/publishing/ (a pending publisher).",
      '3. Choose "GitHub" and fill in the fields above. Always fill in the environment: without it any',
      `   workflow run of \`${p.workflow}\` could publish, with it only runs admitted by the \`${p.environment}\``,
      "   environment (release tags, required reviewers) can.",
      "4. Add the publisher. Remove any API token of the project that the workflow used before.",
      "",
    );
  }
  const repo = `${first.owner}/${first.repository}`;
  lines.push(
    "## Attestations and how to verify a download",
    "",
    "Trusted publishing brings PyPI's PEP 740 attestations with it: the publish action signs each",
    "uploaded file with the workflow's OIDC identity, and PyPI shows and serves the attestation. With an",
    "API token there would be none. The release workflow also attests the wheel, the sdist and the",
    "Windows executable with GitHub's build provenance (bundles attached to the GitHub release as",
    "`<file>.intoto.jsonl`), and the container image.",
    "",
    "| What | Verify with |",
    "| --- | --- |",
  );
  for (const p of publishers) {
    const dist = p.pypiProject.replace(/-/g, "_");
    lines.push(
      `| \`${dist}-<version>-py3-none-any.whl\`, \`${dist}-<version>.tar.gz\` from PyPI | \`pypi-attestations verify pypi --repository https://github.com/${repo} pypi:${dist}-<version>-py3-none-any.whl\` (and \`pypi:${dist}-<version>.tar.gz\`) |`,
      `| the same files, or the \`.exe\`, from the GitHub release | \`gh attestation verify <file> --repo ${repo}\` (offline: add \`--bundle <file>.intoto.jsonl\`) |`,
    );
  }
  lines.push(
    `| a container image built by the workflow | \`gh attestation verify oci://<image>:<version> --repo ${repo}\` |`,
    "",
  );
  return lines.join("\n");
}
