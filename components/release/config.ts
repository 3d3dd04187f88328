/** Stack config of the released packages. */
import { z } from "zod";
import { key } from "../config/keys";
import { SMARTEM_DECISIONS, TAG_PREFIX_ALLOWED, pythonPackageSchema } from "./package";

export const releaseConfig = {
  packages: key({
    schema: z
      .array(pythonPackageSchema)
      .min(1, "at least one package is needed")
      .default([SMARTEM_DECISIONS])
      .superRefine((packages, ctx) => {
        const seen = new Set<string>();
        packages.forEach((p, i) => {
          for (const [field, value] of [["name", p.name], ["tagPrefix", p.tagPrefix]] as const) {
            const id = `${field}:${value}`;
            if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i, field], message: `${field} ${value} is used by two packages` });
            seen.add(id);
          }
        });
      }),
    type: "array",
    description: "The Python packages whose release workflow, tag rulesets and PyPI environment this stack manages.",
    allowed: `a list of packages {name, repository, tagPrefix (${TAG_PREFIX_ALLOWED}), paths, pythonVersion, workflowFile, pypiEnvironment}`,
  }),
} as const;
