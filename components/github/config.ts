/** Stack config shared by everything this program does on GitHub. */
import { z } from "zod";
import { key } from "../config/keys";
import { GITHUB_LOGIN_ALLOWED, GITHUB_REPOSITORY_ALLOWED, githubLogin, githubRepositoryName } from "../config/rules";

/** GitHub plans, as far as they decide which repository features exist. */
export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;
export type GitHubPlan = (typeof GITHUB_PLANS)[number];

export const REPOSITORY_VISIBILITIES = ["public", "private", "internal"] as const;
export type RepositoryVisibility = (typeof REPOSITORY_VISIBILITIES)[number];

export const githubConfig = {
  githubOwner: key({
    schema: githubLogin.default("DiamondLightSource"),
    type: "string",
    description: "GitHub organisation (or user) that owns the managed repositories.",
    allowed: GITHUB_LOGIN_ALLOWED,
  }),
  githubPlan: key({
    schema: z.enum(GITHUB_PLANS).default("free"),
    type: "string",
    description:
      "GitHub plan of the owner; decides whether private repositories can have tag rulesets and environment reviewers.",
    allowed: GITHUB_PLANS.join(", "),
  }),
  repositoryVisibility: key({
    schema: z.record(githubRepositoryName, z.enum(REPOSITORY_VISIBILITIES)).default({}),
    type: "object",
    description: "Visibility of managed repositories that are not public (a repository not listed is public).",
    allowed: `a map from repository name (${GITHUB_REPOSITORY_ALLOWED}) to one of ${REPOSITORY_VISIBILITIES.join(", ")}`,
  }),
} as const;
