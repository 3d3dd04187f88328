/** Stack config of the released packages and of the commits that land their workflows. */
import { z } from "zod";
import { configKeys, key } from "../config/keys";
import { SMARTEM_DECISIONS, TAG_PREFIX_ALLOWED, pythonPackageSchema } from "./package";

export const releaseConfig = {
  packages: key({
    schema: z
      .array(pythonPackageSchema)
      .min(1, "at least one package is needed")
      .default([pythonPackageSchema.parse(SMARTEM_DECISIONS)])
      .superRefine((packages, ctx) => {
        const seen = new Map<string, number>();
        const claim = (id: string, i: number, path: (string | number)[], message: string): void => {
          if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i, ...path], message });
          else seen.set(id, i);
        };
        packages.forEach((p, i) => {
          claim(`name:${p.name}`, i, ["name"], `name ${p.name} is used by two packages`);
          claim(`tagPrefix:${p.tagPrefix}`, i, ["tagPrefix"], `tagPrefix ${p.tagPrefix} is used by two packages`);
          claim(
            `workflow:${p.repository}/${p.workflowFile}`,
            i,
            ["workflowFile"],
            `workflowFile ${p.workflowFile} is used by two packages of repository ${p.repository}`,
          );
          // Two release workflows pushing one image would overwrite each other's tags.
          if (p.container)
            claim(
              `image:${p.container.image}`,
              i,
              ["container", "image"],
              `container.image ${p.container.image} is used by two packages`,
            );
        });
      }),
    description: "The Python packages whose release workflow, tag rulesets and PyPI environment this stack manages.",
    allowed:
      `a list of packages {name, repository, tagPrefix (${TAG_PREFIX_ALLOWED}), paths, workflowFile, ` +
      "optional pythonVersion, pypiEnvironment, branch, workingDirectory, testPaths, lintPaths, " +
      "windowsExe {name, entryPoint, hiddenImports, extras, assetPrefix, smokeTests}, " +
      "openapi {app, extras, env}, container {image, dockerfile, context, versionBuildArg, extras}}; names, tag prefixes, workflow files and container images unique",
  }),
  workflowCommitAuthor: key({
    schema: z.string().trim().min(1, "empty").max(100).default("smartem-release-infra"),
    description: "Author name of the commits that land the generated workflow files.",
    allowed: "a non-empty name of at most 100 characters",
  }),
  workflowCommitEmail: key({
    schema: z.email().default("smartem-release-infra@users.noreply.github.com"),
    description: "Author e-mail of the commits that land the generated workflow files.",
    allowed: "an e-mail address, e.g. a GitHub noreply address",
  }),
} as const;

/** The fully qualified keys of the released packages: `RELEASE_KEY.packages` is `smartem:packages`. */
export const RELEASE_KEY = configKeys(releaseConfig);
