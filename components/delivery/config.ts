/**
 * Stack config of this repository's own delivery environments (./environments.ts): optional,
 * set on the one stack that manages this repository's GitHub side (production).
 */
import { ConfigProblem, Refined, UNSET_MARKER, configKeys, key } from "../config/keys";
import { GITHUB_REPOSITORY_ALLOWED, githubRepositoryName } from "../config/rules";
import { GITHUB_KEY, GitHubPlan, RepositoryVisibility } from "../github/config";
import { PypiReviewers, REVIEWERS_ALLOWED, reviewersSchema } from "../release/gate-config";

export const deliveryConfig = {
  deliveryRepository: key({
    schema: githubRepositoryName.optional(),
    description:
      "This project's own repository (under smartem:githubOwner) whose delivery environments (staging, production, preview-<stack>, drift-<stack>) this stack declares, with their reviewers and branch policies; a stable release of the package that pushes smartem:backendImage then starts that repository's bump.yml (its bump-trigger job and environment). Unset: none of this.",
    allowed: `a repository name (${GITHUB_REPOSITORY_ALLOWED}), e.g. smartem-release-infra`,
  }),
  deliveryReviewers: key({
    schema: reviewersSchema("no reviewer: production applies and pull-request previews need a person's approval").optional(),
    description:
      "Required reviewers of the production and preview-<stack> environments of smartem:deliveryRepository (nobody approves their own run; admins cannot bypass them).",
    allowed: REVIEWERS_ALLOWED,
  }),
} as const;

const KEY = { ...GITHUB_KEY, ...configKeys(deliveryConfig) };

/** The delivery environments as the rules across keys leave them: a repository always comes with its reviewers. */
export type DeliveryConfig =
  | { readonly deliveryRepository: string; readonly deliveryReviewers: PypiReviewers }
  | { readonly deliveryRepository?: undefined; readonly deliveryReviewers?: undefined };

/** The parsed values {@link refineDeliveryConfig} needs. */
export interface DeliverySettings {
  readonly manageGithub: boolean;
  readonly deliveryRepository?: string;
  readonly deliveryReviewers?: PypiReviewers;
  readonly githubPlan: GitHubPlan;
  readonly repositoryVisibility: Readonly<Record<string, RepositoryVisibility>>;
}

/** Rules across keys: the environments need the stack's GitHub provider, reviewers, and a plan that offers them. */
export function refineDeliveryConfig<V extends DeliverySettings>(settings: V): Refined<V & DeliveryConfig> {
  const problems = deliveryProblems(settings);
  // The rules below are what the union says: a repository with its reviewers, or neither.
  return problems.length > 0 ? { problems } : { config: settings as V & DeliveryConfig };
}

function deliveryProblems(settings: DeliverySettings): ConfigProblem[] {
  const repository = settings.deliveryRepository;
  if (repository === undefined) {
    return settings.deliveryReviewers === undefined
      ? []
      : [
          {
            key: KEY.deliveryReviewers,
            value: JSON.stringify(settings.deliveryReviewers),
            message: `set without ${KEY.deliveryRepository}, so it applies to nothing; allowed: set both, or neither`,
          },
        ];
  }
  const problems: ConfigProblem[] = [];
  const value = JSON.stringify(repository);
  if (!settings.manageGithub) {
    problems.push({
      key: KEY.deliveryRepository,
      value,
      message: `this stack does not manage GitHub (${KEY.manageGithub} is false); allowed: unset, or set on the stack that manages GitHub`,
    });
  }
  if (settings.deliveryReviewers === undefined) {
    problems.push({
      key: KEY.deliveryReviewers,
      value: UNSET_MARKER,
      message: `required with ${KEY.deliveryRepository}: production applies and previews wait for a person's approval; allowed: ${REVIEWERS_ALLOWED}`,
    });
  }
  const visibility = settings.repositoryVisibility[repository] ?? "public";
  if (visibility !== "public" && settings.githubPlan !== "enterprise") {
    problems.push({
      key: `${KEY.repositoryVisibility}.${repository}`,
      value: JSON.stringify(visibility),
      message: `required reviewers on an environment of a ${visibility} repository need GitHub Enterprise (${KEY.githubPlan} is ${settings.githubPlan}); allowed: make ${repository} public, or set ${KEY.githubPlan} to enterprise if the owner has it`,
    });
  }
  return problems;
}
