/**
 * The placeholders the checked-in stack files carry where only the organisation knows the
 * value. The offline render runs with them (and warns); `pulumi preview`/`up` refuse them,
 * saying what to put there.
 */
import { ConfigProblem, SECRET_MARKER } from "./config/keys";
import { KEY, StackConfig } from "./program-config";

/** The reviewer id the stack files use until the real ones are filled in (not a real team). */
export const PLACEHOLDER_GITHUB_ID = 1000001;

/** Host names under `.invalid` (RFC 2606) never resolve: the stack files use them for hosts to fill in. */
export const PLACEHOLDER_HOST_SUFFIX = ".invalid";

const isPlaceholderHost = (host: string | undefined): boolean =>
  host !== undefined && host.toLowerCase().replace(/\.$/, "").endsWith(PLACEHOLDER_HOST_SUFFIX);
const hostOf = (url: string): string => new URL(url).hostname;

/** Every placeholder still in a stack's config; `placeholderSecrets` are the keys whose ciphertext is one. */
export function placeholderProblems(stack: string, config: StackConfig, placeholderSecrets: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (key: string, value: string, what: string): void => {
    problems.push({
      where: `Pulumi.${stack}.yaml`,
      key,
      value,
      message: `a placeholder of the checked-in stack file; allowed: ${what}`,
    });
  };
  const reviewers = {
    pypiReviewers: "approves PyPI uploads",
    deliveryReviewers: "approves production applies and pull-request previews",
  } as const;
  for (const [reviewersKey, role] of Object.entries(reviewers) as Array<[keyof typeof reviewers, string]>) {
    for (const field of ["users", "teams"] as const) {
      config[reviewersKey]?.[field].forEach((id, i) => {
        if (id !== PLACEHOLDER_GITHUB_ID) return;
        const lookup = field === "teams" ? "gh api orgs/<org>/teams/<slug> --jq .id" : "gh api users/<login> --jq .id";
        add(
          `${KEY[reviewersKey]}.${field}.${i}`,
          String(id),
          `the numeric id of a ${field === "teams" ? "team" : "person"} who ${role} (${lookup})`,
        );
      });
    }
  }
  for (const key of ["databaseHost", "rabbitmqHost"] as const) {
    if (isPlaceholderHost(config[key]))
      add(
        KEY[key],
        JSON.stringify(config[key]),
        `the host name of this stack's ${key === "databaseHost" ? "PostgreSQL server" : "RabbitMQ broker"}`,
      );
  }
  if (config.keycloakUrl !== undefined && isPlaceholderHost(hostOf(config.keycloakUrl)))
    add(KEY.keycloakUrl, JSON.stringify(config.keycloakUrl), "your Keycloak's https URL");
  config.corsAllowedOrigins?.forEach((origin, i) => {
    if (isPlaceholderHost(hostOf(origin)))
      add(`${KEY.corsAllowedOrigins}.${i}`, JSON.stringify(origin), "the origin of a web front end that calls the API");
  });
  for (const key of placeholderSecrets) {
    add(
      key,
      SECRET_MARKER,
      `the real value, encrypted: \`pulumi config set --secret ${key} --stack ${stack}\` (it prompts for the value)`,
    );
  }
  return problems;
}
