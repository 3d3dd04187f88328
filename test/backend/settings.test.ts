/** Bad backend input is refused before any resource, naming the key, the value and what is allowed. */
import { expect } from "chai";
import { backendSettings } from "../../components/backend/settings";
import { ConfigProblem, RawConfig, SECRET_MARKER, UNSET_MARKER } from "../../components/config/keys";
import { KEY, loadStackConfig } from "../../components/program-config";
import { evaluateStack } from "../support/evaluate";
import { EXTERNAL_BACKEND } from "../support/configs";
import { configProblems } from "../support/refusals";

// Backend keys only: these stacks leave the GitHub side to another stack.
const DEV: RawConfig = { [KEY.backendVersion]: "0.1.1rc52", [KEY.allowPrerelease]: "true", [KEY.manageGithub]: "false" };
/** A config without some keys. */
const without = (raw: RawConfig, ...keys: string[]): RawConfig =>
  Object.fromEntries(Object.entries(raw).filter(([k]) => !keys.includes(k)));

const EXTERNAL = EXTERNAL_BACKEND;

const problems = (raw: RawConfig): ConfigProblem[] => configProblems(() => backendSettings("test", loadStackConfig(raw)));

describe("backend settings: bad input", () => {
  const table: Array<[string, RawConfig, string, string, RegExp]> = [
    ["negative replicas", { ...DEV, [KEY.apiReplicas]: "-1" }, KEY.apiReplicas, "-1", /from 0 to 50/],
    ["replicas as words", { ...DEV, [KEY.workerReplicas]: "three" }, KEY.workerReplicas, '"three"', /integer from 0 to 50/],
    ["too many replicas", { ...DEV, [KEY.apiReplicas]: "51" }, KEY.apiReplicas, "51", /from 0 to 50/],
    ["maxSurge 0", { ...DEV, [KEY.apiMaxSurge]: "0" }, KEY.apiMaxSurge, "0", /from 1 to 10/],
    [
      "a request above its limit",
      {
        ...DEV,
        [KEY.apiResources]: JSON.stringify({ requests: { cpu: "1", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } }),
      },
      "smartem:apiResources.requests.cpu",
      '"1"',
      /exceeds limits\.cpu 500m.*each request at most its limit/,
    ],
    [
      "decimal megabytes",
      {
        ...DEV,
        [KEY.workerResources]: JSON.stringify({
          requests: { cpu: "100m", memory: "128M" },
          limits: { cpu: "200m", memory: "256Mi" },
        }),
      },
      "smartem:workerResources.requests.memory",
      '"128M"',
      /memory quantity.*Ki\/Mi\/Gi/,
    ],
    [
      "a missing limit",
      { ...DEV, [KEY.apiResources]: JSON.stringify({ requests: { cpu: "100m", memory: "128Mi" } }) },
      "smartem:apiResources.limits",
      UNSET_MARKER,
      /allowed/,
    ],
    [
      "an unknown resources field",
      {
        ...DEV,
        [KEY.apiResources]: JSON.stringify({
          requests: { cpu: "100m", memory: "128Mi", gpu: "1" },
          limits: { cpu: "200m", memory: "256Mi" },
        }),
      },
      "smartem:apiResources.requests",
      '{"cpu":"100m","memory":"128Mi","gpu":"1"}',
      /gpu/,
    ],
    [
      "'latest'",
      { ...DEV, [KEY.backendVersion]: "latest" },
      KEY.backendVersion,
      '"latest"',
      /not a PEP 440 version.*never 'latest'/,
    ],
    ["a 'v' prefix", { ...DEV, [KEY.backendVersion]: "v0.1.0" }, KEY.backendVersion, '"v0.1.0"', /canonical.*"0\.1\.0"/],
    ["a local version", { ...DEV, [KEY.backendVersion]: "0.1.0+abc" }, KEY.backendVersion, '"0.1.0+abc"', /local version/],
    [
      "a namespace with capitals",
      { ...DEV, [KEY.namespace]: "Smartem_Decisions" },
      KEY.namespace,
      '"Smartem_Decisions"',
      /RFC 1123/,
    ],
    [
      "a pull secret name too long",
      { ...DEV, [KEY.imagePullSecret]: "x".repeat(64) },
      KEY.imagePullSecret,
      `"${"x".repeat(64)}"`,
      /at most 63/,
    ],
    ["root", { ...DEV, [KEY.runAsUser]: "0" }, KEY.runAsUser, "0", /0, root, is refused/],
    [
      "a short digest",
      { ...DEV, [KEY.backendImageDigests]: '{"0.1.0":"sha256:abc"}' },
      "smartem:backendImageDigests.0.1.0",
      '"sha256:abc"',
      /64 lower-case hex/,
    ],
    [
      "a digest for no version",
      { ...DEV, [KEY.backendImageDigests]: `{"latest":"sha256:${"ab".repeat(32)}"}` },
      "smartem:backendImageDigests.latest",
      '"latest"',
      /Invalid key in record: "latest" is not a PEP 440 version/,
    ],
    [
      "an image with a tag",
      { ...DEV, [KEY.backendImage]: "ghcr.io/x/y:latest" },
      KEY.backendImage,
      '"ghcr.io/x/y:latest"',
      /without tag or digest/,
    ],
    [
      "a bare stack name to promote from",
      { ...DEV, [KEY.promoteFrom]: "staging" },
      KEY.promoteFrom,
      '"staging"',
      /<organization>\/<project>\/<stack>/,
    ],
    [
      "a rollout timeout of 10 s",
      { ...DEV, [KEY.rolloutTimeoutSeconds]: "10" },
      KEY.rolloutTimeoutSeconds,
      "10",
      /from 60 to 3600/,
    ],
    [
      "an unknown backing-services mode",
      { ...DEV, [KEY.backingServices]: "managed" },
      KEY.backingServices,
      '"managed"',
      /in-cluster or external/,
    ],
    [
      "a short external password",
      { ...EXTERNAL, [KEY.databasePassword]: "short" },
      KEY.databasePassword,
      SECRET_MARKER,
      /at least 16/,
    ],
    [
      "external without a database host",
      without(EXTERNAL, KEY.databaseHost),
      KEY.databaseHost,
      UNSET_MARKER,
      /required when smartem:backingServices is external/,
    ],
    [
      "external without the RabbitMQ password",
      without(EXTERNAL, KEY.rabbitmqPassword),
      KEY.rabbitmqPassword,
      UNSET_MARKER,
      /pulumi config set --secret smartem:rabbitmqPassword/,
    ],
    [
      "a database host in-cluster",
      { ...DEV, [KEY.databaseHost]: "db.example.org" },
      KEY.databaseHost,
      '"db.example.org"',
      /only used when .* external/,
    ],
    [
      "a password in-cluster, never echoed",
      { ...DEV, [KEY.rabbitmqPassword]: "a-long-rabbitmq-password" },
      KEY.rabbitmqPassword,
      SECRET_MARKER,
      /remove the key/,
    ],
    [
      "a Keycloak URL without realm",
      { ...DEV, [KEY.keycloakUrl]: "https://auth.example.org" },
      KEY.keycloakRealm,
      UNSET_MARKER,
      /together with smartem:keycloakUrl/,
    ],
  ];

  for (const [title, raw, key, value, message] of table) {
    it(`${title}: ${key} = ${value}`, () => {
      const found = problems(raw).find((p) => p.key === key);
      expect(found, `a problem for ${key}; got ${JSON.stringify(problems(raw))}`).to.not.equal(undefined);
      expect(found!.value).to.equal(value);
      expect(found!.message).to.match(message);
    });
  }

  it("valid dev and external config pass", () => {
    expect(problems(DEV)).to.deep.equal([]);
    expect(problems(EXTERNAL)).to.deep.equal([]);
  });

  it("the program registers nothing for bad input", async () => {
    const registered: string[] = [];
    const refused = await evaluateStack("production", { apiReplicas: "-3" }, { onRegister: (r) => registered.push(r) }).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    expect(refused, "the evaluation should have been refused").to.match(/smartem:apiReplicas = -3/);
    expect(registered, "registrations before the config was refused").to.deep.equal([]);
  });

  it("a valid config registers resources (the registration count above can see them)", async () => {
    const registered: string[] = [];
    await evaluateStack("production", {}, { onRegister: (r) => registered.push(r) });
    expect(registered.length).to.be.greaterThan(5);
  });
});
