/** Stack config shared by everything this program does on GitHub. */
import { z } from "zod";
import { configKeys, key } from "../config/keys";
import { GITHUB_LOGIN_ALLOWED, GITHUB_REPOSITORY_ALLOWED, githubLogin, githubRepositoryName } from "../config/rules";

/** GitHub plans, as far as they decide which repository features exist. */
export const GITHUB_PLANS = ["free", "pro", "team", "enterprise"] as const;
export type GitHubPlan = (typeof GITHUB_PLANS)[number];

export const REPOSITORY_VISIBILITIES = ["public", "private", "internal"] as const;
export type RepositoryVisibility = (typeof REPOSITORY_VISIBILITIES)[number];

/** GitHub's public REST API; GitHub Enterprise Server is `https://<host>/api/v3/`. */
export const GITHUB_API_URL = "https://api.github.com/";

/** An http(s) URL of a GitHub REST API, ending in `/` as the provider joins paths to it. */
const githubApiUrl = z.string().superRefine((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !["https:", "http:"].includes(url.protocol) || url.search !== "" || url.hash !== "" || !text.endsWith("/")) {
    ctx.addIssue({ code: "custom", message: "not an http(s) URL ending in '/'" });
  }
});

export const githubConfig = {
  manageGithub: key({
    schema: z.boolean().default(true),
    description:
      "Whether this stack converges the GitHub side (workflow files, tag rulesets, PyPI environment); exactly one stack may own each repository. Turning it off leaves them on GitHub, unmanaged (retainOnDelete).",
    allowed: "true or false",
  }),
  githubOwner: key({
    schema: githubLogin.default("DiamondLightSource"),
    description: "GitHub organisation (or user) that owns the managed repositories.",
    allowed: GITHUB_LOGIN_ALLOWED,
  }),
  githubBaseUrl: key({
    schema: githubApiUrl.default(GITHUB_API_URL),
    description:
      "The GitHub REST API the provider talks to (passed explicitly, so GITHUB_BASE_URL in the shell cannot redirect it).",
    allowed: `an http(s) URL ending in '/', e.g. ${GITHUB_API_URL} or https://github.example.com/api/v3/`,
  }),
  githubPlan: key({
    schema: z.enum(GITHUB_PLANS).default("free"),
    description:
      "GitHub plan of the owner; decides whether private repositories can have tag rulesets and environment reviewers.",
    allowed: GITHUB_PLANS.join(", "),
  }),
  repositoryVisibility: key({
    schema: z.record(githubRepositoryName, z.enum(REPOSITORY_VISIBILITIES)).default({}),
    description: "Visibility of managed repositories that are not public (a repository not listed is public).",
    allowed: `a map from repository name (${GITHUB_REPOSITORY_ALLOWED}) to one of ${REPOSITORY_VISIBILITIES.join(", ")}`,
  }),
} as const;

/** The fully qualified keys of the GitHub side: `GITHUB_KEY.manageGithub` is `smartem:manageGithub`. */
export const GITHUB_KEY = configKeys(githubConfig);
