/**
 * Adopting an existing PyPI environment safely. GitHub's "create or update an environment"
 * is a PUT that keeps the environment's existing deployment policies, and Pulumi manages only
 * the policies it created: a hand-made `branch: main` policy on an adopted `pypi` environment
 * would go on letting `main` deploy to PyPI, unseen by every preview. So a real run reads the
 * live policies (the provider's own data sources) and refuses, naming each policy this stack
 * does not declare, before it registers anything on GitHub.
 */
import * as github from "@pulumi/github";
import { ConfigProblem } from "../config/keys";
import { PypiEnvironmentSpec } from "./pypi-environment";

/** A deployment policy as `getRepositoryEnvironmentDeploymentPolicies` returns it. */
export interface LivePolicy {
  /** `branch` or `tag`. */
  readonly type: string;
  readonly pattern: string;
}

/** The live policies of one environment that the spec does not declare (pure). */
export function undeclaredPolicies(spec: PypiEnvironmentSpec, live: readonly LivePolicy[]): LivePolicy[] {
  return live.filter((policy) => !(policy.type === "tag" && spec.tagPatterns.includes(policy.pattern)));
}

/**
 * GitHub answers 404 for the policies of an environment whose deployment branch policy is not
 * "custom" (all branches, or protected branches): it has no custom policies to keep.
 */
function isNotFound(error: unknown): boolean {
  return /\b404\b/.test(error instanceof Error ? error.message : String(error));
}

/** The live deployment policies of an environment; [] when it does not exist yet. */
export async function livePolicies(spec: PypiEnvironmentSpec, provider: github.Provider): Promise<LivePolicy[]> {
  const { environments } = await github.getRepositoryEnvironments({ repository: spec.repository }, { provider });
  if (!environments.some((env) => env.name === spec.environment)) return [];
  try {
    const { policies } = await github.getRepositoryEnvironmentDeploymentPolicies(
      { repository: spec.repository, environment: spec.environment },
      { provider },
    );
    return policies.map(({ type, pattern }) => ({ type, pattern }));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** One problem per environment that has policies this stack does not declare. */
export async function undeclaredPolicyProblems(
  specs: readonly PypiEnvironmentSpec[],
  owner: string,
  provider: github.Provider,
): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const spec of specs) {
    const extra = undeclaredPolicies(spec, await livePolicies(spec, provider));
    if (extra.length === 0) continue;
    const where = `repos/${owner}/${spec.repository}/environments/${spec.environment}/deployment-branch-policies`;
    problems.push({
      key: `environment ${owner}/${spec.repository}:${spec.environment}`,
      value: extra.map((p) => `${p.type} ${JSON.stringify(p.pattern)}`).join(", "),
      message:
        `deployment policies this stack does not manage; GitHub keeps them when Pulumi updates the environment, so those refs could deploy to PyPI. ` +
        `Allowed: only ${spec.tagPatterns.map((t) => `tag ${JSON.stringify(t)}`).join(", ")}. ` +
        `Delete the others (\`gh api ${where}\` lists their ids; \`gh api -X DELETE ${where}/<id>\`), then run again`,
    });
  }
  return problems;
}
