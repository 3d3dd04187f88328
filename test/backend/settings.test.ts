/** Bad backend input is refused before any resource, naming the key, the value and what is allowed. */
import { expect } from "chai";
import { backendSettings } from "../../components/backend/settings";
import { ConfigError, RawConfig } from "../../components/config/keys";
import { loadStackConfig } from "../../components/program-config";
import { evaluateStack } from "../support/evaluate";

// Backend keys only: these stacks leave the GitHub side to another stack.
const DEV: RawConfig = { "smartem:backendVersion": "0.1.1rc52", "smartem:allowPrerelease": "true", "smartem:manageGithub": "false" };
/** A config without some keys. */
const without = (raw: RawConfig, ...keys: string[]): RawConfig => Object.fromEntries(Object.entries(raw).filter(([k]) => !keys.includes(k)));

const EXTERNAL: RawConfig = {
  "smartem:backendVersion": "0.1.0",
  "smartem:manageGithub": "false",
  "smartem:backingServices": "external",
  "smartem:databaseHost": "db.example.org",
  "smartem:databasePassword": "a-long-database-password",
  "smartem:rabbitmqHost": "mq.example.org",
  "smartem:rabbitmqPassword": "a-long-rabbitmq-password",
};

function problems(raw: RawConfig): Array<{ key: string; value: string; message: string }> {
  try {
    backendSettings("test", loadStackConfig(raw));
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("backend settings: bad input", () => {
  const table: Array<[string, RawConfig, string, string, RegExp]> = [
    ["negative replicas", { ...DEV, "smartem:apiReplicas": "-1" }, "smartem:apiReplicas", "-1", /from 0 to 50/],
    ["replicas as words", { ...DEV, "smartem:workerReplicas": "three" }, "smartem:workerReplicas", '"three"', /integer from 0 to 50/],
    ["too many replicas", { ...DEV, "smartem:apiReplicas": "51" }, "smartem:apiReplicas", "51", /from 0 to 50/],
    ["maxSurge 0", { ...DEV, "smartem:apiMaxSurge": "0" }, "smartem:apiMaxSurge", "0", /from 1 to 10/],
    [
      "a request above its limit",
      { ...DEV, "smartem:apiResources": JSON.stringify({ requests: { cpu: "1", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } }) },
      "smartem:apiResources.requests.cpu",
      '"1"',
      /exceeds limits\.cpu 500m.*each request at most its limit/,
    ],
    [
      "decimal megabytes",
      { ...DEV, "smartem:workerResources": JSON.stringify({ requests: { cpu: "100m", memory: "128M" }, limits: { cpu: "200m", memory: "256Mi" } }) },
      "smartem:workerResources.requests.memory",
      '"128M"',
      /memory quantity.*Ki\/Mi\/Gi/,
    ],
    [
      "a missing limit",
      { ...DEV, "smartem:apiResources": JSON.stringify({ requests: { cpu: "100m", memory: "128Mi" } }) },
      "smartem:apiResources.limits",
      "(unset)",
      /allowed/,
    ],
    [
      "an unknown resources field",
      { ...DEV, "smartem:apiResources": JSON.stringify({ requests: { cpu: "100m", memory: "128Mi", gpu: "1" }, limits: { cpu: "200m", memory: "256Mi" } }) },
      "smartem:apiResources.requests",
      '{"cpu":"100m","memory":"128Mi","gpu":"1"}',
      /gpu/,
    ],
    ["'latest'", { ...DEV, "smartem:backendVersion": "latest" }, "smartem:backendVersion", '"latest"', /not a PEP 440 version.*never 'latest'/],
    ["a 'v' prefix", { ...DEV, "smartem:backendVersion": "v0.1.0" }, "smartem:backendVersion", '"v0.1.0"', /canonical.*"0\.1\.0"/],
    ["a local version", { ...DEV, "smartem:backendVersion": "0.1.0+abc" }, "smartem:backendVersion", '"0.1.0+abc"', /local version/],
    ["a namespace with capitals", { ...DEV, "smartem:namespace": "Smartem_Decisions" }, "smartem:namespace", '"Smartem_Decisions"', /RFC 1123/],
    ["a pull secret name too long", { ...DEV, "smartem:imagePullSecret": "x".repeat(64) }, "smartem:imagePullSecret", `"${"x".repeat(64)}"`, /at most 63/],
    ["root", { ...DEV, "smartem:runAsUser": "0" }, "smartem:runAsUser", "0", /0, root, is refused/],
    ["a short digest", { ...DEV, "smartem:backendImageDigests": '{"0.1.0":"sha256:abc"}' }, "smartem:backendImageDigests.0.1.0", '"sha256:abc"', /64 lower-case hex/],
    ["a digest for no version", { ...DEV, "smartem:backendImageDigests": `{"latest":"sha256:${"ab".repeat(32)}"}` }, "smartem:backendImageDigests.latest", '"latest"', /Invalid key in record: "latest" is not a PEP 440 version/],
    ["an image with a tag", { ...DEV, "smartem:backendImage": "ghcr.io/x/y:latest" }, "smartem:backendImage", '"ghcr.io/x/y:latest"', /without tag or digest/],
    ["a bare stack name to promote from", { ...DEV, "smartem:promoteFrom": "staging" }, "smartem:promoteFrom", '"staging"', /<organization>\/<project>\/<stack>/],
    ["a rollout timeout of 10 s", { ...DEV, "smartem:rolloutTimeoutSeconds": "10" }, "smartem:rolloutTimeoutSeconds", "10", /from 60 to 3600/],
    ["an unknown backing-services mode", { ...DEV, "smartem:backingServices": "managed" }, "smartem:backingServices", '"managed"', /in-cluster or external/],
    ["a short external password", { ...EXTERNAL, "smartem:databasePassword": "short" }, "smartem:databasePassword", "[secret]", /at least 16/],
    ["external without a database host", without(EXTERNAL, "smartem:databaseHost"), "smartem:databaseHost", "(unset)", /required when smartem:backingServices is external/],
    [
      "external without the RabbitMQ password",
      without(EXTERNAL, "smartem:rabbitmqPassword"),
      "smartem:rabbitmqPassword",
      "(unset)",
      /pulumi config set --secret smartem:rabbitmqPassword/,
    ],
    ["a database host in-cluster", { ...DEV, "smartem:databaseHost": "db.example.org" }, "smartem:databaseHost", '"db.example.org"', /only used when .* external/],
    ["a password in-cluster, never echoed", { ...DEV, "smartem:rabbitmqPassword": "a-long-rabbitmq-password" }, "smartem:rabbitmqPassword", "[secret]", /remove the key/],
    ["a Keycloak URL without realm", { ...DEV, "smartem:keycloakUrl": "https://auth.example.org" }, "smartem:keycloakRealm", "(unset)", /together with smartem:keycloakUrl/],
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
