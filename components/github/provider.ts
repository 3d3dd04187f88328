/**
 * The one GitHub provider every GitHub resource of a stack uses, and the checks that keep
 * the environment of a `pulumi preview`/`up` from overriding what the stack says.
 *
 * The GitHub provider (terraform-provider-github under @pulumi/github) reads its own
 * environment variables before, or instead of, what the program passes:
 * - `GITHUB_ORGANIZATION`, then `GITHUB_OWNER`, replace the `owner` input;
 * - `GITHUB_APP_ID`/`GITHUB_APP_INSTALLATION_ID`/`GITHUB_APP_PEM_FILE` authenticate as an app
 *   instead of the token;
 * - `GITHUB_BASE_URL` becomes the API URL when the program passes none (@pulumi/github copies it);
 * - an empty token silently becomes `gh auth token`, whoever is logged in to the gh CLI.
 * So the program passes owner, token and base URL explicitly, and under the real engine
 * refuses to run when any of these variables disagrees with the stack. Offline (the mock
 * engine) none of them is read: the render is a function of the stack file alone.
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { ConfigProblem, SECRET_MARKER, UNSET_MARKER } from "../config/keys";
import { GITHUB_KEY } from "./config";

/**
 * Options of every GitHub resource: turning `smartem:manageGithub` off (or dropping a package)
 * deletes them from the stack, and must not delete them from GitHub: without its environment a
 * release workflow's next run would recreate `pypi` unprotected, and without the rulesets release
 * tags could be moved. They stay on GitHub, unmanaged. The price: a replacement (a renamed
 * workflow file or environment) leaves the old one in place too; delete it by hand.
 */
export const KEEP_ON_GITHUB = { retainOnDelete: true } as const;

/** The variables the provider reads; see the module comment. */
export const GITHUB_ENV = {
  token: "GITHUB_TOKEN",
  baseUrl: "GITHUB_BASE_URL",
  /** In the provider's order of precedence: the first one set wins over the `owner` input. */
  owners: ["GITHUB_ORGANIZATION", "GITHUB_OWNER"],
  /** Any of these makes the provider authenticate as a GitHub App (the PEM is a secret). */
  app: ["GITHUB_APP_ID", "GITHUB_APP_INSTALLATION_ID", "GITHUB_APP_PEM_FILE"],
} as const;

const SECRET_APP_VARIABLE = "GITHUB_APP_PEM_FILE";

/** What the stack decides about the GitHub connection. */
export interface GitHubTarget {
  /** `smartem:githubOwner`. */
  readonly owner: string;
  /** `smartem:githubBaseUrl`. */
  readonly baseUrl: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** `https://x/api/v3` and `https://x/api/v3/` are the same API. */
function sameUrl(a: string, b: string): boolean {
  const slash = (url: string): string => (url.endsWith("/") ? url : `${url}/`);
  return slash(a.trim()) === slash(b.trim());
}

/**
 * Every way the environment of this run would make the GitHub provider act other than the
 * stack says; [] when it may run. Tokens and keys are never echoed.
 */
export function githubEnvironmentProblems(env: Environment, target: GitHubTarget): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const set = (name: string): string | undefined => {
    const value = env[name];
    return value !== undefined && value.trim() !== "" ? value : undefined;
  };

  for (const name of GITHUB_ENV.owners) {
    const value = set(name);
    // GitHub logins are case-insensitive.
    if (value !== undefined && value.toLowerCase() !== target.owner.toLowerCase()) {
      problems.push({
        key: name,
        value: JSON.stringify(value),
        message:
          `the GitHub provider takes the owner from ${name} before the one the program passes, so this run would write into ${value}'s repositories, ` +
          `while the stack says ${GITHUB_KEY.githubOwner} = ${JSON.stringify(target.owner)}; allowed: unset ${name}, or the stack's owner`,
      });
    }
  }

  for (const name of GITHUB_ENV.app) {
    const value = set(name);
    if (value !== undefined) {
      problems.push({
        key: name,
        value: name === SECRET_APP_VARIABLE ? SECRET_MARKER : JSON.stringify(value),
        message: `the GitHub provider would authenticate as a GitHub App instead of with ${GITHUB_ENV.token}; allowed: unset (this program authenticates with ${GITHUB_ENV.token} only)`,
      });
    }
  }

  const baseUrl = set(GITHUB_ENV.baseUrl);
  if (baseUrl !== undefined && !sameUrl(baseUrl, target.baseUrl)) {
    problems.push({
      key: GITHUB_ENV.baseUrl,
      value: JSON.stringify(baseUrl),
      message:
        `names another GitHub API than the stack, ${GITHUB_KEY.githubBaseUrl} = ${JSON.stringify(target.baseUrl)} (the token is probably for that other server); ` +
        `allowed: unset ${GITHUB_ENV.baseUrl}, or the stack's URL (set ${GITHUB_KEY.githubBaseUrl} to change the stack's)`,
    });
  }

  if (set(GITHUB_ENV.token) === undefined) {
    problems.push({
      key: GITHUB_ENV.token,
      value: env[GITHUB_ENV.token] === undefined ? UNSET_MARKER : '""',
      message:
        "the GitHub provider would silently use `gh auth token` (whoever is logged in to the gh CLI on this machine); " +
        'allowed: a token with the permissions listed in docs/operations.md, "GitHub token"',
    });
  }
  return problems;
}

/**
 * The explicit provider: owner, API URL and token all passed, so nothing falls back to the
 * SDK's environment defaults. The token is always a secret (an empty one offline): the SDK
 * would otherwise copy GITHUB_TOKEN into the provider's inputs in clear.
 */
export function gitHubProvider(
  name: string,
  target: GitHubTarget,
  token: string,
  opts?: pulumi.CustomResourceOptions,
): github.Provider {
  return new github.Provider(name, { owner: target.owner, baseUrl: target.baseUrl, token: pulumi.secret(token) }, opts);
}
