/**
 * A corpus of bad stack files, as data: each case is one mistake a user can make, with what
 * the refusal must name. bad-inputs.test.ts runs every case through the offline render
 * (the function `npm run render` uses) and a few through the `npm run render` command.
 */

/** A valid stack of its own (a GitHub owner no checked-in stack uses), external services. */
export const BASE: Readonly<Record<string, string>> = {
  "smartem:backendVersion": "0.1.1",
  "smartem:githubOwner": "corpus-owner",
  "smartem:pypiReviewers": "\n    teams: [4242]",
  "smartem:backingServices": "external",
  "smartem:databaseHost": "db.example.org",
  "smartem:databasePassword": "\n    secure: v1:AAAAAAAAAAAAAAAA",
  "smartem:rabbitmqHost": "mq.example.org",
  "smartem:rabbitmqPassword": "\n    secure: v1:AAAAAAAAAAAAAAAA",
};

export interface BadInput {
  /** Config lines to set (YAML as written after `key:`; undefined removes the key), merged into {@link BASE}. */
  readonly set?: Readonly<Record<string, string | undefined>>;
  /** The whole stack file instead. */
  readonly file?: string;
  /** The key the refusal names. */
  readonly key: string;
  /** The value as written, as the refusal shows it. */
  readonly written: string;
  /** What the refusal says is allowed (after `allowed:`). */
  readonly allowed: RegExp;
}

/** The stack-file text of a case. */
export function stackText(input: BadInput): string {
  if (input.file !== undefined) return input.file;
  const config: Record<string, string | undefined> = { ...BASE, ...input.set };
  const lines = Object.entries(config)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `  ${key}:${value.startsWith("\n") || value === "" ? "" : " "}${value}`);
  return `config:\n${lines.join("\n")}\n`;
}

const INTEGER_0_50 = /an integer from 0 to 50/;
const TRUE_FALSE = /true or false/;
const HOST = /a DNS host name \(labels of 1 to 63/;
const ORIGIN = /http\(s\):\/\/host\[:port\] as browsers send it/;
const KEY_FORM = /<namespace>:<name>|smartem:<key>/;
const YAML_MAPPING = /a YAML mapping/;

/** `packages` with one package whose branch is `branch` (JSON, as a flow value). */
const withBranch = (branch: string): string =>
  JSON.stringify([
    {
      name: "smartem-decisions",
      repository: "smartem-decisions",
      tagPrefix: "smartem-decisions-v",
      paths: ["src/**"],
      workflowFile: "release.yml",
      branch,
    },
  ]);

/** [title, case] */
export const BAD_INPUTS: ReadonlyArray<readonly [string, BadInput]> = [
  // Scalars the Pulumi CLI would pass as another text than written.
  ["hex integer", { set: { "smartem:apiReplicas": "0x10" }, key: "smartem:apiReplicas", written: "0x10", allowed: INTEGER_0_50 }],
  [
    "float for an integer",
    { set: { "smartem:apiReplicas": "1.0" }, key: "smartem:apiReplicas", written: "1.0", allowed: INTEGER_0_50 },
  ],
  [
    "exponent for an integer",
    { set: { "smartem:apiReplicas": "1e3" }, key: "smartem:apiReplicas", written: "1e3", allowed: INTEGER_0_50 },
  ],
  ["0o octal", { set: { "smartem:apiReplicas": "0o17" }, key: "smartem:apiReplicas", written: "0o17", allowed: INTEGER_0_50 }],
  [
    "leading-zero octal",
    { set: { "smartem:apiReplicas": "017" }, key: "smartem:apiReplicas", written: "017", allowed: INTEGER_0_50 },
  ],
  ["plus sign", { set: { "smartem:apiReplicas": "+3" }, key: "smartem:apiReplicas", written: "+3", allowed: INTEGER_0_50 }],
  [
    "digit separators",
    { set: { "smartem:apiReplicas": "1_0" }, key: "smartem:apiReplicas", written: "1_0", allowed: INTEGER_0_50 },
  ],
  ["YAML null ~", { set: { "smartem:apiReplicas": "~" }, key: "smartem:apiReplicas", written: "~", allowed: INTEGER_0_50 }],
  ["empty value", { set: { "smartem:apiReplicas": "" }, key: "smartem:apiReplicas", written: "(empty)", allowed: INTEGER_0_50 }],
  ["YAML null", { set: { "smartem:apiReplicas": "null" }, key: "smartem:apiReplicas", written: "null", allowed: INTEGER_0_50 }],
  ["Null", { set: { "smartem:workerReplicas": "Null" }, key: "smartem:workerReplicas", written: "Null", allowed: INTEGER_0_50 }],
  [".inf", { set: { "smartem:apiReplicas": ".inf" }, key: "smartem:apiReplicas", written: ".inf", allowed: INTEGER_0_50 }],
  [".nan", { set: { "smartem:apiReplicas": ".nan" }, key: "smartem:apiReplicas", written: ".nan", allowed: INTEGER_0_50 }],
  [
    "-.inf",
    { set: { "smartem:workerReplicas": "-.inf" }, key: "smartem:workerReplicas", written: "-.inf", allowed: INTEGER_0_50 },
  ],
  [
    "21-digit number (rounded by the CLI)",
    {
      set: { "smartem:runAsUser": "123456789012345678901" },
      key: "smartem:runAsUser",
      written: "123456789012345678901",
      allowed: /from 1 to 2147483647/,
    },
  ],
  [
    "20-digit number (beyond 2^53)",
    {
      set: { "smartem:runAsUser": "12345678901234567890" },
      key: "smartem:runAsUser",
      written: "12345678901234567890",
      allowed: /from 1 to 2147483647/,
    },
  ],
  [
    "binary integer",
    { set: { "smartem:workerReplicas": "0b11" }, key: "smartem:workerReplicas", written: "0b11", allowed: INTEGER_0_50 },
  ],
  [
    "exponent uid",
    { set: { "smartem:runAsUser": "1e3" }, key: "smartem:runAsUser", written: "1e3", allowed: /from 1 to 2147483647/ },
  ],
  [
    "hex port",
    { set: { "smartem:databasePort": "0x1538" }, key: "smartem:databasePort", written: "0x1538", allowed: /from 1 to 65535/ },
  ],
  [
    "float port",
    { set: { "smartem:rabbitmqPort": "5672.0" }, key: "smartem:rabbitmqPort", written: "5672.0", allowed: /from 1 to 65535/ },
  ],
  [
    "exponent minutes",
    { set: { "smartem:pypiWaitTimer": "1.5e1" }, key: "smartem:pypiWaitTimer", written: "1.5e1", allowed: /from 0 to 43200/ },
  ],
  [
    "a number ending in '.'",
    {
      set: { "smartem:rolloutTimeoutSeconds": "600." },
      key: "smartem:rolloutTimeoutSeconds",
      written: "600.",
      allowed: /from 60 to 3600/,
    },
  ],
  [
    ".5",
    {
      set: { "smartem:migrationTimeoutSeconds": ".5" },
      key: "smartem:migrationTimeoutSeconds",
      written: ".5",
      allowed: /from 60 to 3600/,
    },
  ],
  ["True", { set: { "smartem:allowPrerelease": "True" }, key: "smartem:allowPrerelease", written: "True", allowed: TRUE_FALSE }],
  ["FALSE", { set: { "smartem:allowDowngrade": "FALSE" }, key: "smartem:allowDowngrade", written: "FALSE", allowed: TRUE_FALSE }],
  [
    "yes",
    { set: { "smartem:skipPromotionCheck": "yes" }, key: "smartem:skipPromotionCheck", written: "yes", allowed: TRUE_FALSE },
  ],
  ["null boolean", { set: { "smartem:manageGithub": "~" }, key: "smartem:manageGithub", written: "~", allowed: TRUE_FALSE }],
  [
    "date as version",
    {
      set: { "smartem:backendVersion": "2024-01-02" },
      key: "smartem:backendVersion",
      written: "2024-01-02",
      allowed: /canonical PEP 440/,
    },
  ],
  [
    "float as version",
    { set: { "smartem:backendVersion": "0.10" }, key: "smartem:backendVersion", written: "0.10", allowed: /canonical PEP 440/ },
  ],
  [
    "1.0 as version",
    { set: { "smartem:backendVersion": "1.0" }, key: "smartem:backendVersion", written: "1.0", allowed: /canonical PEP 440/ },
  ],
  [
    "null namespace",
    { set: { "smartem:namespace": "~" }, key: "smartem:namespace", written: "~", allowed: /RFC 1123|lower-case letters/ },
  ],
  [
    "explicit tag",
    {
      set: { "smartem:namespace": "!!str smartem" },
      key: "smartem:namespace",
      written: "!!str smartem",
      allowed: /without a tag/,
    },
  ],
  [
    "anchor",
    {
      set: { "smartem:namespace": "&ns smartem" },
      key: "smartem:namespace",
      written: "&ns",
      allowed: /without anchors and aliases/,
    },
  ],
  [
    "alias",
    {
      set: { "smartem:namespace": "&ns smartem", "smartem:imagePullSecret": "*ns" },
      key: "smartem:imagePullSecret",
      written: "*ns",
      allowed: /the value written out/,
    },
  ],
  [
    "null log level",
    { set: { "smartem:logLevel": "null" }, key: "smartem:logLevel", written: "null", allowed: /DEBUG, INFO, WARNING or ERROR/ },
  ],
  [
    "hex reviewer id",
    {
      set: { "smartem:pypiReviewers": "{teams: [0x10]}" },
      key: "smartem:pypiReviewers.teams.0",
      written: "0x10",
      allowed: /numeric ids/,
    },
  ],
  [
    "null reviewer id",
    {
      set: { "smartem:pypiReviewers": "{teams: [~]}" },
      key: "smartem:pypiReviewers.teams.0",
      written: "~",
      allowed: /numeric ids/,
    },
  ],
  [
    "float reviewer id",
    {
      set: { "smartem:pypiReviewers": "{teams: [1.0]}" },
      key: "smartem:pypiReviewers.teams.0",
      written: "1.0",
      allowed: /numeric ids/,
    },
  ],
  [
    "empty reviewers map value",
    {
      set: { "smartem:pypiReviewers": "{teams: }" },
      key: "smartem:pypiReviewers.teams",
      written: "(empty)",
      allowed: /numeric ids/,
    },
  ],
  [
    "merge key in resources",
    {
      set: { "smartem:apiResources": "\n    <<: {requests: {cpu: 100m, memory: 128Mi}}\n    limits: {cpu: 200m, memory: 256Mi}" },
      key: "smartem:apiResources.<<",
      written: "{requests: {cpu: 100m, memory: 128Mi}}",
      allowed: /the map written out/,
    },
  ],
  [
    "non-canonical nested float",
    {
      set: { "smartem:apiResources": "{requests: {cpu: 1.50, memory: 128Mi}, limits: {cpu: 2, memory: 256Mi}}" },
      key: "smartem:apiResources.requests.cpu",
      written: "1.50",
      allowed: /cpu in millicores/,
    },
  ],
  [
    "null legacy tag pattern",
    {
      set: { "smartem:legacyReleaseTags": "{smartem-decisions: [~]}" },
      key: "smartem:legacyReleaseTags.smartem-decisions.0",
      written: "~",
      allowed: /tag patterns/,
    },
  ],
  [
    "hex actor id",
    {
      set: { "smartem:stableTagCreators": "[{actorType: Team, actorId: 0x63}]" },
      key: "smartem:stableTagCreators.0.actorId",
      written: "0x63",
      allowed: /actorType/,
    },
  ],
  [
    "secure with a number",
    {
      set: { "smartem:databasePassword": "\n    secure: 5" },
      key: "smartem:databasePassword",
      written: "[secret]",
      allowed: /pulumi config set --secret/,
    },
  ],
  [
    "password in clear",
    {
      set: { "smartem:databasePassword": "a-long-enough-password" },
      key: "smartem:databasePassword",
      written: "[secret]",
      allowed: /encrypted value/,
    },
  ],
  [
    "password as a float in clear",
    { set: { "smartem:databasePassword": "1.0" }, key: "smartem:databasePassword", written: "[secret]", allowed: /at least 16/ },
  ],

  // The shape of the file.
  [
    "two documents",
    {
      file: "config:\n  smartem:backendVersion: 0.1.1\n---\nconfig:\n  smartem:apiReplicas: 2\n",
      key: "(document 2)",
      written: "---",
      allowed: /one document per stack file/,
    },
  ],
  [
    "config: as a list",
    {
      file: "config:\n  - smartem:backendVersion: 0.1.1\n",
      key: "config",
      written: "- smartem:backendVersion: 0.1.1",
      allowed: /a mapping of <namespace>:<name>: value lines/,
    },
  ],
  [
    "config: as text",
    {
      file: "config: smartem:backendVersion=0.1.1\n",
      key: "config",
      written: "smartem:backendVersion=0.1.1",
      allowed: /a mapping of <namespace>:<name>: value lines/,
    },
  ],
  [
    "no config:",
    {
      file: "secretsprovider: passphrase\n",
      key: "config",
      written: "(unset)",
      allowed: /config: with a mapping of <namespace>:<name>: value lines/,
    },
  ],
  [
    "an empty file",
    { file: "", key: "config", written: "(unset)", allowed: /config: with a mapping of <namespace>:<name>: value lines/ },
  ],
  [
    "only comments",
    {
      file: "# nothing yet\n",
      key: "config",
      written: "(unset)",
      allowed: /config: with a mapping of <namespace>:<name>: value lines/,
    },
  ],
  [
    "an empty config:",
    {
      file: "config:\n",
      key: "config",
      written: "(empty)",
      allowed: /config: with a mapping of <namespace>:<name>: value lines/,
    },
  ],
  [
    "a key outside config:",
    {
      file: "smartem:apiReplicas: 3\nconfig:\n  smartem:backendVersion: 0.1.1\n",
      key: "smartem:apiReplicas",
      written: "3",
      allowed: /indented under config:/,
    },
  ],
  [
    "ESC environment",
    {
      file: "environment:\n  - smartem-dev\nconfig:\n  smartem:backendVersion: 0.1.1\n",
      key: "environment",
      written: "- smartem-dev",
      allowed: /every value under config:/,
    },
  ],
  [
    "an unknown top-level key",
    {
      file: "stack: dev\nconfig:\n  smartem:backendVersion: 0.1.1\n",
      key: "stack",
      written: "dev",
      allowed: /config, secretsprovider/,
    },
  ],
  ["a key without namespace", { set: { apiReplicas: "3" }, key: "apiReplicas", written: "3", allowed: /smartem:apiReplicas/ }],
  [
    "keys nested under smartem:",
    { set: { smartem: "\n    apiReplicas: 3" }, key: "smartem", written: "apiReplicas: 3", allowed: KEY_FORM },
  ],
  [
    "the old :config: form",
    {
      set: { "smartem:config:apiReplicas": "3" },
      key: "smartem:config:apiReplicas",
      written: "3",
      allowed: /smartem:apiReplicas/,
    },
  ],
  ["three colons", { set: { "smartem:api:replicas:x": "3" }, key: "smartem:api:replicas:x", written: "3", allowed: KEY_FORM }],
  ["empty namespace", { set: { ":apiReplicas": "3" }, key: ":apiReplicas", written: "3", allowed: KEY_FORM }],
  [
    "a number as key",
    { file: "config:\n  smartem:backendVersion: 0.1.1\n  2: 3\n", key: "(key)", written: "2", allowed: /keys written as text/ },
  ],
  [
    "a list as key",
    {
      file: "config:\n  smartem:backendVersion: 0.1.1\n  ? [a]\n  : 1\n",
      key: "(key)",
      written: "[a]",
      allowed: /keys written as text/,
    },
  ],
  [
    "a duplicate key",
    {
      file: "config:\n  smartem:apiReplicas: 1\n  smartem:apiReplicas: 2\n",
      key: "(YAML syntax)",
      written: "smartem:apiReplicas: 2",
      allowed: YAML_MAPPING,
    },
  ],
  [
    "an unclosed list",
    {
      file: "config:\n  smartem:corsAllowedOrigins: [https://a.example.org\n",
      key: "(YAML syntax)",
      written: "",
      allowed: YAML_MAPPING,
    },
  ],
  [
    "an unclosed quote",
    { file: 'config:\n  smartem:namespace: "smartem\n', key: "(YAML syntax)", written: "", allowed: YAML_MAPPING },
  ],
  [
    "a tab indent",
    { file: "config:\n\tsmartem:backendVersion: 0.1.1\n", key: "(YAML syntax)", written: "", allowed: YAML_MAPPING },
  ],
  ["a dash as value", { set: { "smartem:namespace": "-" }, key: "(YAML syntax)", written: "-", allowed: YAML_MAPPING }],
  [
    "an unknown key",
    {
      set: { "smartem:apiReplica": "3" },
      key: "smartem:apiReplica",
      written: '"3"',
      allowed: /one of the keys of smartem:, which are: .*backendVersion/,
    },
  ],

  // Host names (RFC 1123).
  [
    "empty host label",
    {
      set: { "smartem:databaseHost": "db..example.org" },
      key: "smartem:databaseHost",
      written: '"db..example.org"',
      allowed: HOST,
    },
  ],
  [
    "leading dot",
    { set: { "smartem:databaseHost": ".example.org" }, key: "smartem:databaseHost", written: '".example.org"', allowed: HOST },
  ],
  [
    "a host ending in '.'",
    {
      set: { "smartem:databaseHost": "db.example.org." },
      key: "smartem:databaseHost",
      written: '"db.example.org."',
      allowed: HOST,
    },
  ],
  [
    "64-character label",
    {
      set: { "smartem:databaseHost": `${"a".repeat(64)}.example.org` },
      key: "smartem:databaseHost",
      written: "a".repeat(64),
      allowed: HOST,
    },
  ],
  [
    "254-character host",
    {
      set: { "smartem:databaseHost": `${Array.from({ length: 5 }, () => "a".repeat(50)).join(".")}.org` },
      key: "smartem:databaseHost",
      written: "a".repeat(50),
      allowed: HOST,
    },
  ],
  [
    "leading hyphen",
    {
      set: { "smartem:databaseHost": "-db.example.org" },
      key: "smartem:databaseHost",
      written: '"-db.example.org"',
      allowed: HOST,
    },
  ],
  [
    "trailing hyphen label",
    {
      set: { "smartem:rabbitmqHost": "mq-.example.org" },
      key: "smartem:rabbitmqHost",
      written: '"mq-.example.org"',
      allowed: HOST,
    },
  ],
  [
    "underscore",
    {
      set: { "smartem:databaseHost": "db_1.example.org" },
      key: "smartem:databaseHost",
      written: '"db_1.example.org"',
      allowed: HOST,
    },
  ],
  [
    "a URL as host",
    {
      set: { "smartem:databaseHost": "https://db.example.org" },
      key: "smartem:databaseHost",
      written: '"https://db.example.org"',
      allowed: HOST,
    },
  ],
  [
    "host with port",
    {
      set: { "smartem:databaseHost": "db.example.org:5432" },
      key: "smartem:databaseHost",
      written: '"db.example.org:5432"',
      allowed: HOST,
    },
  ],
  [
    "bad IPv4",
    { set: { "smartem:databaseHost": "10.0.0.999" }, key: "smartem:databaseHost", written: '"10.0.0.999"', allowed: HOST },
  ],
  ["empty host", { set: { "smartem:rabbitmqHost": '""' }, key: "smartem:rabbitmqHost", written: '""', allowed: HOST }],
  [
    "space in host",
    {
      set: { "smartem:rabbitmqHost": "mq example.org" },
      key: "smartem:rabbitmqHost",
      written: '"mq example.org"',
      allowed: HOST,
    },
  ],
  [
    "Keycloak URL with an empty label",
    {
      set: { "smartem:keycloakUrl": "https://auth..example.org", "smartem:keycloakRealm": "smartem" },
      key: "smartem:keycloakUrl",
      written: "auth..example.org",
      allowed: /an https URL whose host/,
    },
  ],
  [
    "Keycloak over http",
    {
      set: { "smartem:keycloakUrl": "http://auth.example.org", "smartem:keycloakRealm": "smartem" },
      key: "smartem:keycloakUrl",
      written: "http://auth.example.org",
      allowed: /an https URL/,
    },
  ],

  // CORS origins.
  [
    "origin with a trailing slash",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui.example.org/"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui.example.org/",
      allowed: ORIGIN,
    },
  ],
  [
    "origin with a path",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui.example.org/app"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui.example.org/app",
      allowed: ORIGIN,
    },
  ],
  [
    "origin with user info",
    {
      set: { "smartem:corsAllowedOrigins": '["https://me@ui.example.org"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://me@ui.example.org",
      allowed: ORIGIN,
    },
  ],
  [
    "origin with a query",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui.example.org?x=1"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui.example.org?x=1",
      allowed: ORIGIN,
    },
  ],
  [
    "origin with a fragment",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui.example.org#top"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui.example.org#top",
      allowed: ORIGIN,
    },
  ],
  [
    "ftp origin",
    {
      set: { "smartem:corsAllowedOrigins": '["ftp://ui.example.org"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "ftp://ui.example.org",
      allowed: ORIGIN,
    },
  ],
  [
    "upper-case origin",
    {
      set: { "smartem:corsAllowedOrigins": '["https://UI.example.org"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://UI.example.org",
      allowed: ORIGIN,
    },
  ],
  [
    "default port",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui.example.org:443"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui.example.org:443",
      allowed: ORIGIN,
    },
  ],
  [
    "origin with an empty label",
    {
      set: { "smartem:corsAllowedOrigins": '["https://ui..example.org"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "https://ui..example.org",
      allowed: ORIGIN,
    },
  ],
  [
    "wildcard origin",
    { set: { "smartem:corsAllowedOrigins": '["*"]' }, key: "smartem:corsAllowedOrigins.0", written: '"*"', allowed: ORIGIN },
  ],
  [
    "host without scheme",
    {
      set: { "smartem:corsAllowedOrigins": '["ui.example.org"]' },
      key: "smartem:corsAllowedOrigins.0",
      written: "ui.example.org",
      allowed: ORIGIN,
    },
  ],
  [
    "empty origin list",
    { set: { "smartem:corsAllowedOrigins": "[]" }, key: "smartem:corsAllowedOrigins", written: "[]", allowed: ORIGIN },
  ],
  [
    "origin as text, not a list",
    {
      set: { "smartem:corsAllowedOrigins": "https://ui.example.org" },
      key: "smartem:corsAllowedOrigins",
      written: "https://ui.example.org",
      allowed: ORIGIN,
    },
  ],

  // Branch names git refuses (git check-ref-format --branch).
  ...(
    [
      ["'..'", "release..1"],
      ["a part starting with '.'", "feature/.hidden"],
      ["'.lock'", "main.lock"],
      ["'//'", "feature//x"],
      ["a leading '/'", "/main"],
      ["a trailing '/'", "main/"],
      ["a trailing '.'", "main."],
      ["a leading '-'", "-main"],
      ["a space", "my branch"],
      ["'~'", "main~1"],
      ["'^'", "main^"],
      ["':'", "a:b"],
      ["'?'", "main?"],
      ["'*'", "release/*"],
      ["'['", "main[1"],
      ["a backslash", "a\\b"],
      ["'@'", "@"],
      ["'@{'", "main@{1}"],
      ["HEAD", "HEAD"],
      ["a control character", "main\u0007"],
      ["an empty name", ""],
    ] as const
  ).map(
    ([what, branch]) =>
      [
        `branch with ${what}`,
        {
          set: { "smartem:packages": withBranch(branch) },
          key: "smartem:packages.0.branch",
          written: JSON.stringify(branch),
          allowed: /branch/,
        },
      ] as const,
  ),

  // Keys that would be silently ignored.
  [
    "visibility of a repository no package has",
    {
      set: { "smartem:repositoryVisibility": "{other-repo: private}" },
      key: "smartem:repositoryVisibility.other-repo",
      written: '"private"',
      allowed: /one of smartem-decisions/,
    },
  ],
  [
    "legacy tags of a repository no package has",
    {
      set: { "smartem:legacyReleaseTags": '{other-repo: ["v*"]}' },
      key: "smartem:legacyReleaseTags.other-repo",
      written: '["v*"]',
      allowed: /one of smartem-decisions/,
    },
  ],
  [
    "an in-cluster key with external services",
    {
      set: {
        "smartem:backingServices": "in-cluster",
        "smartem:databasePassword": undefined,
        "smartem:rabbitmqPassword": undefined,
        "smartem:rabbitmqHost": undefined,
      },
      key: "smartem:databaseHost",
      written: '"db.example.org"',
      allowed: /no value in-cluster/,
    },
  ],

  // Two stack files managing one repository.
  [
    "production's repository",
    {
      set: { "smartem:githubOwner": "DiamondLightSource" },
      key: "smartem:manageGithub",
      written: "true",
      allowed: /exactly one stack file per repository/,
    },
  ],
  [
    "dev's repository, owner in another case",
    {
      set: { "smartem:githubOwner": "Smartem-Sandbox" },
      key: "smartem:manageGithub",
      written: "true",
      allowed: /exactly one stack file per repository/,
    },
  ],

  // Wrong types and out-of-range values, key by key.
  ["51 replicas", { set: { "smartem:apiReplicas": "51" }, key: "smartem:apiReplicas", written: "51", allowed: INTEGER_0_50 }],
  [
    "negative replicas",
    { set: { "smartem:apiReplicas": "-1" }, key: "smartem:apiReplicas", written: "-1", allowed: INTEGER_0_50 },
  ],
  [
    "replicas in words",
    { set: { "smartem:workerReplicas": "three" }, key: "smartem:workerReplicas", written: '"three"', allowed: INTEGER_0_50 },
  ],
  [
    "quoted decimal replicas",
    { set: { "smartem:workerReplicas": '"1.5"' }, key: "smartem:workerReplicas", written: '"1.5"', allowed: INTEGER_0_50 },
  ],
  ["surge 0", { set: { "smartem:apiMaxSurge": "0" }, key: "smartem:apiMaxSurge", written: "0", allowed: /from 1 to 10/ }],
  ["root uid", { set: { "smartem:runAsUser": "0" }, key: "smartem:runAsUser", written: "0", allowed: /root, is refused/ }],
  [
    "port 70000",
    { set: { "smartem:databasePort": "70000" }, key: "smartem:databasePort", written: "70000", allowed: /from 1 to 65535/ },
  ],
  ["port 0", { set: { "smartem:rabbitmqPort": "0" }, key: "smartem:rabbitmqPort", written: "0", allowed: /from 1 to 65535/ }],
  [
    "migration timeout 59",
    {
      set: { "smartem:migrationTimeoutSeconds": "59" },
      key: "smartem:migrationTimeoutSeconds",
      written: "59",
      allowed: /from 60 to 3600/,
    },
  ],
  [
    "grace period 3601",
    {
      set: { "smartem:workerTerminationGracePeriodSeconds": "3601" },
      key: "smartem:workerTerminationGracePeriodSeconds",
      written: "3601",
      allowed: /from 30 to 3600/,
    },
  ],
  [
    "unknown backing services",
    {
      set: { "smartem:backingServices": "managed" },
      key: "smartem:backingServices",
      written: '"managed"',
      allowed: /in-cluster or external/,
    },
  ],
  [
    "lower-case log level",
    { set: { "smartem:logLevel": "debug" }, key: "smartem:logLevel", written: '"debug"', allowed: /DEBUG, INFO/ },
  ],
  [
    "environment with capitals",
    { set: { "smartem:environment": "Prod" }, key: "smartem:environment", written: '"Prod"', allowed: /lower-case letters/ },
  ],
  [
    "image with a tag",
    {
      set: { "smartem:backendImage": "ghcr.io/x/y:latest" },
      key: "smartem:backendImage",
      written: '"ghcr.io/x/y:latest"',
      allowed: /without tag or digest/,
    },
  ],
  [
    "short digest",
    {
      set: { "smartem:backendImageDigests": '{"0.1.1": "sha256:abc"}' },
      key: "smartem:backendImageDigests.0.1.1",
      written: '"sha256:abc"',
      allowed: /64 lower-case hex/,
    },
  ],
  [
    "decimal gigabytes",
    { set: { "smartem:databaseStorage": "10G" }, key: "smartem:databaseStorage", written: '"10G"', allowed: /Ki\/Mi\/Gi/ },
  ],
  [
    "namespace with capitals",
    { set: { "smartem:namespace": "Smartem" }, key: "smartem:namespace", written: '"Smartem"', allowed: /lower-case letters/ },
  ],
  [
    "64-character namespace",
    {
      set: { "smartem:namespace": "n".repeat(64) },
      key: "smartem:namespace",
      written: "n".repeat(64),
      allowed: /at most 63 characters/,
    },
  ],
  [
    "underscore pull secret",
    {
      set: { "smartem:imagePullSecret": "ghcr_secret" },
      key: "smartem:imagePullSecret",
      written: '"ghcr_secret"',
      allowed: /lower-case letters/,
    },
  ],
  [
    "bare stack name to promote from",
    {
      set: { "smartem:promoteFrom": "staging" },
      key: "smartem:promoteFrom",
      written: '"staging"',
      allowed: /<organization>\/<project>\/<stack>/,
    },
  ],
  [
    "owner with spaces",
    {
      set: { "smartem:githubOwner": '"Diamond Light Source"' },
      key: "smartem:githubOwner",
      written: '"Diamond Light Source"',
      allowed: /single hyphens/,
    },
  ],
  [
    "unknown plan",
    {
      set: { "smartem:githubPlan": "gold" },
      key: "smartem:githubPlan",
      written: '"gold"',
      allowed: /free, pro, team, enterprise/,
    },
  ],
  [
    "bad e-mail",
    {
      set: { "smartem:workflowCommitEmail": "release-bot" },
      key: "smartem:workflowCommitEmail",
      written: '"release-bot"',
      allowed: /e-mail address/,
    },
  ],
  [
    "blank author",
    {
      set: { "smartem:workflowCommitAuthor": '"   "' },
      key: "smartem:workflowCommitAuthor",
      written: '"   "',
      allowed: /non-empty name/,
    },
  ],
  [
    "no reviewers",
    {
      set: { "smartem:pypiReviewers": "{teams: []}" },
      key: "smartem:pypiReviewers",
      written: '{"teams":[]}',
      allowed: /1 to 6 ids/,
    },
  ],
  [
    "seven reviewers",
    {
      set: { "smartem:pypiReviewers": "{teams: [1, 2, 3, 4, 5, 6, 7]}" },
      key: "smartem:pypiReviewers",
      written: "[1,2,3,4,5,6,7]",
      allowed: /1 to 6 ids/,
    },
  ],
  [
    "reviewers without the map",
    { set: { "smartem:pypiReviewers": "[4242]" }, key: "smartem:pypiReviewers", written: "[4242]", allowed: /\{users: / },
  ],
  [
    "reviewer login instead of id",
    {
      set: { "smartem:pypiReviewers": "{users: [octocat]}" },
      key: "smartem:pypiReviewers.users.0",
      written: '"octocat"',
      allowed: /numeric ids/,
    },
  ],
  [
    "wait timer of 31 days",
    { set: { "smartem:pypiWaitTimer": "44640" }, key: "smartem:pypiWaitTimer", written: "44640", allowed: /from 0 to 43200/ },
  ],
  [
    "nobody may create stable tags",
    { set: { "smartem:stableTagCreators": "[]" }, key: "smartem:stableTagCreators", written: "[]", allowed: /non-empty list/ },
  ],
  [
    "the write role creates stable tags",
    {
      set: { "smartem:stableTagCreators": "[{actorType: RepositoryRole, actorId: 4}]" },
      key: "smartem:stableTagCreators.0.actorId",
      written: "4",
      allowed: /2 \(maintain\) or 5 \(admin\)/,
    },
  ],
  [
    "an empty legacy tag list",
    {
      set: { "smartem:legacyReleaseTags": "{smartem-decisions: []}" },
      key: "smartem:legacyReleaseTags.smartem-decisions",
      written: "[]",
      allowed: /non-empty list of tag patterns/,
    },
  ],
  [
    "latest",
    {
      set: { "smartem:backendVersion": "latest" },
      key: "smartem:backendVersion",
      written: '"latest"',
      allowed: /never 'latest'/,
    },
  ],
  [
    "v prefix",
    { set: { "smartem:backendVersion": "v0.1.1" }, key: "smartem:backendVersion", written: '"v0.1.1"', allowed: /no 'v'/ },
  ],
  [
    "no version",
    {
      set: { "smartem:backendVersion": undefined },
      key: "smartem:backendVersion",
      written: "(unset)",
      allowed: /canonical PEP 440/,
    },
  ],
  [
    "empty kube context",
    { set: { "smartem:kubeContext": '""' }, key: "smartem:kubeContext", written: '""', allowed: /a context in your kubeconfig/ },
  ],
  [
    "empty vhost",
    { set: { "smartem:rabbitmqVhost": "''" }, key: "smartem:rabbitmqVhost", written: '""', allowed: /non-empty vhost/ },
  ],
  [
    "external without a database host",
    {
      set: { "smartem:databaseHost": undefined },
      key: "smartem:databaseHost",
      written: "(unset)",
      allowed: /a value when smartem:backingServices is external/,
    },
  ],
];
