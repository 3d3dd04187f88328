/**
 * Exactly one stack converges each repository's GitHub side (workflow files, rulesets, the
 * PyPI environment): two would overwrite each other on every `pulumi up`. The program checks
 * its own stack against the other stack files of the project folder.
 */
import { ConfigProblem } from "../config/keys";
import { GITHUB_KEY } from "./config";

/** What a stack file says about the repositories it manages. */
export interface GithubOwnership {
  readonly manageGithub: boolean;
  readonly githubOwner: string;
  readonly packages: ReadonlyArray<{ readonly repository: string }>;
}

/** The `owner/repository` names a stack converges, lower case (GitHub compares them so). */
export function managedRepositories(config: GithubOwnership): string[] {
  if (!config.manageGithub) return [];
  return [...new Set(config.packages.map((p) => `${config.githubOwner}/${p.repository}`.toLowerCase()))];
}

/** A problem for each repository this stack manages that another stack file manages too. */
export function repositoryOwnershipProblems(
  stack: string,
  own: GithubOwnership,
  others: ReadonlyArray<{ readonly stack: string; readonly config: GithubOwnership }>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const repository of managedRepositories(own)) {
    const also = others
      .filter((o) => o.stack !== stack && managedRepositories(o.config).includes(repository))
      .map((o) => `Pulumi.${o.stack}.yaml`);
    if (also.length === 0) continue;
    problems.push({
      where: `Pulumi.${stack}.yaml`,
      key: GITHUB_KEY.manageGithub,
      value: "true",
      message:
        `${repository} is managed by ${also.join(" and ")} too, and two stacks would overwrite each other's workflow files, rulesets and environment; ` +
        `allowed: ${GITHUB_KEY.manageGithub} true in exactly one stack file per repository (set it to false here or there, or give this stack its own ${GITHUB_KEY.githubOwner})`,
    });
  }
  return problems;
}
