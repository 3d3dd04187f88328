/**
 * Stack config of this repository's own delivery environments (./environments.ts): optional,
 * set on the one stack that manages this repository's GitHub side (production).
 */
import { ConfigProblem, key } from "../config/keys";
import { GITHUB_REPOSITORY_ALLOWED, githubRepositoryName } from "../config/rules";
import { GitHubPlan, RepositoryVisibility } from "../github/config";
import { REVIEWERS_ALLOWED, reviewersSchema } from "../release/gate-config";

export const deliveryConfig = {
  deliveryRepository: key({
    schema: githubRepositoryName.optional(),
    type: "string",
    description:
      "This project's own repository (under smartem:githubOwner) whose delivery environments (staging, production, preview-<stack>, drift-<stack>) this stack declares, with their reviewers and branch policies; unset: none.",
    allowed: `a repository name (${GITHUB_REPOSITORY_ALLOWED}), e.g. smartem-release-infra`,
  }),
  deliveryReviewers: key({
    schema: reviewersSchema("no reviewer: production applies and pull-request previews need a person's approval").optional(),
    type: "object",
    description:
      "Required reviewers of the production and preview-<stack> environments of smartem:deliveryRepository (nobody approves their own run; admins cannot bypass them).",
    allowed: REVIEWERS_ALLOWED,
  }),
} as const;

/** The parsed values {@link deliveryProblems} needs. */
export interface DeliverySettings {
  readonly manageGithub: boolean;
  readonly deliveryRepository?: string;
  readonly deliveryReviewers?: unknown;
  readonly githubPlan: GitHubPlan;
  readonly repositoryVisibility: Readonly<Record<string, RepositoryVisibility>>;
}

/** Rules across keys: the environments need the stack's GitHub provider, reviewers, and a plan that offers them. */
export function deliveryProblems(settings: DeliverySettings): ConfigProblem[] {
  const repository = settings.deliveryRepository;
  if (repository === undefined) {
    return settings.deliveryReviewers === undefined
      ? []
      : [
          {
            key: "smartem:deliveryReviewers",
            value: JSON.stringify(settings.deliveryReviewers),
            message: "set without smartem:deliveryRepository, so it applies to nothing; allowed: set both, or neither",
          },
        ];
  }
  const problems: ConfigProblem[] = [];
  const value = JSON.stringify(repository);
  if (!settings.manageGithub) {
    problems.push({
      key: "smartem:deliveryRepository",
      value,
      message:
        "this stack does not manage GitHub (smartem:manageGithub is false); allowed: unset, or set on the stack that manages GitHub",
    });
  }
  if (settings.deliveryReviewers === undefined) {
    problems.push({
      key: "smartem:deliveryReviewers",
      value: "(unset)",
      message: `required with smartem:deliveryRepository: production applies and previews wait for a person's approval; allowed: ${REVIEWERS_ALLOWED}`,
    });
  }
  const visibility = settings.repositoryVisibility[repository] ?? "public";
  if (visibility !== "public" && settings.githubPlan !== "enterprise") {
    problems.push({
      key: `smartem:repositoryVisibility.${repository}`,
      value: JSON.stringify(visibility),
      message: `required reviewers on an environment of a ${visibility} repository need GitHub Enterprise (smartem:githubPlan is ${settings.githubPlan}); allowed: make ${repository} public, or set smartem:githubPlan to enterprise if the owner has it`,
    });
  }
  return problems;
}
