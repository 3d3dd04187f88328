import { expect } from "chai";
import { z } from "zod";
import { ConfigError, RawConfig, key, parseConfig } from "../components/config/keys";
import { KEY, configSchema, loadStackConfig } from "../components/program-config";
import { printedProblems, thrown } from "./support/refusals";

const VALID: RawConfig = { [KEY.backendVersion]: "0.1.1", [KEY.pypiReviewers]: JSON.stringify({ teams: [1] }) };

const problemsOf = (raw: RawConfig): string[] => printedProblems(() => loadStackConfig(raw));

describe("stack config (smartem:)", () => {
  it("applies defaults and returns a frozen object", () => {
    const config = loadStackConfig(VALID);
    expect(config.backendVersion).to.equal("0.1.1");
    expect(config.namespace).to.equal("smartem-decisions");
    expect(config.apiReplicas).to.equal(1);
    expect(config.allowPrerelease).to.equal(false);
    expect(config.githubOwner).to.equal("DiamondLightSource");
    expect(config.packages.map((p) => p.name)).to.deep.equal(["smartem-decisions"]);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(Object.isFrozen(config.packages[0].paths)).to.equal(true);
  });

  it("decodes integers, booleans and JSON as Pulumi passes them", () => {
    const config = loadStackConfig({ ...VALID, [KEY.apiReplicas]: "3", [KEY.allowDowngrade]: "true" });
    expect(config.apiReplicas).to.equal(3);
    expect(config.allowDowngrade).to.equal(true);
  });

  it("ignores other namespaces (providers, pulumi:)", () => {
    expect(() => loadStackConfig({ ...VALID, "kubernetes:context": "x", "pulumi:tags": "{}" })).to.not.throw();
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ ...VALID, [KEY.backendVersion]: "latest", [KEY.apiReplicas]: "-1", "smartem:namspace": "x" });
    expect(problems).to.have.length(3);
  });

  // [key, value, what the message must say]; each is one user mistake.
  const bad: Array<[string, string | undefined, RegExp]> = [
    ["backendVersion", undefined, /^smartem:backendVersion = \(unset\): .*allowed: a canonical PEP 440/],
    ["backendVersion", "latest", /^smartem:backendVersion = "latest": "latest" is not a PEP 440 version/],
    ["backendVersion", "", /^smartem:backendVersion = "": "" is not a PEP 440 version/],
    ["backendVersion", "1.2.3+local", /^smartem:backendVersion = "1\.2\.3\+local": .*local version; only final/],
    ["backendVersion", "v1.2.3", /^smartem:backendVersion = "v1\.2\.3": .*canonical PEP 440 form; write "1\.2\.3"/],
    ["backendVersion", "01.2.3", /^smartem:backendVersion = "01\.2\.3": .*write "1\.2\.3"/],
    ["backendVersion", "1.0.0.dev3", /^smartem:backendVersion = "1\.0\.0\.dev3": .*dev version/],
    ["backendVersion", "1.0.0.post1", /post version/],
    ["backendVersion", "0.1rc2", /exactly three release numbers/],
    ["backendVersion", "1.0.0-rc1", /write "1\.0\.0rc1"/],
    ["apiReplicas", "-1", /^smartem:apiReplicas = -1: .*allowed: an integer from 0 to 50/],
    ["apiReplicas", "three", /^smartem:apiReplicas = "three": .*allowed: an integer from 0 to 50/],
    ["apiReplicas", "1.5", /^smartem:apiReplicas = "1\.5": .*an integer from 0 to 50/],
    ["workerReplicas", "51", /^smartem:workerReplicas = 51: .*an integer from 0 to 50/],
    ["namespace", "Smartem", /^smartem:namespace = "Smartem": .*allowed: lower-case letters/],
    ["namespace", "smartem_decisions", /^smartem:namespace = "smartem_decisions": .*RFC 1123/],
    ["namespace", "-smartem", /^smartem:namespace = "-smartem": /],
    ["namespace", "a".repeat(64), /^smartem:namespace = "a{64}": .*at most 63 characters/],
    ["githubOwner", "Diamond Light Source", /^smartem:githubOwner = "Diamond Light Source": .*not a GitHub login/],
    ["allowPrerelease", "yes", /^smartem:allowPrerelease = "yes": .*allowed: true or false/],
    [
      "backendVerison",
      "0.1.1",
      /^smartem:backendVerison = "0\.1\.1": unknown key \(did you mean smartem:backendVersion\?\); allowed: one of the keys of smartem:, which are: .*backendVersion/,
    ],
    ["packages", "[]", /^smartem:packages = \[\]: at least one package is needed/],
    ["packages", "not json", /^smartem:packages = "not json": .*expected array/],
    [
      "packages",
      JSON.stringify([
        {
          name: "smartem-decisions",
          repository: "smartem-decisions",
          tagPrefix: "smartem-decisions-v*",
          paths: ["src/**"],
          workflowFile: "release.yml",
        },
      ]),
      /^smartem:packages\.0\.tagPrefix = "smartem-decisions-v\*": not a release-tag prefix/,
    ],
    [
      "packages",
      JSON.stringify([
        {
          name: "smartem-decisions",
          repository: "smartem-decisions",
          tagPrefix: "smartem-decisions-v",
          paths: [],
          workflowFile: "release.yml",
        },
      ]),
      /^smartem:packages\.0\.paths = \[\]: at least one path is needed/,
    ],
    [
      "packages",
      JSON.stringify([
        {
          name: "smartem-decisions",
          repository: "smartem-decisions",
          tagPrefix: "smartem-decisions-v",
          paths: ["src/**"],
          workflowFile: "release.yml",
          tagprefix: "x",
        },
      ]),
      /^smartem:packages\.0 = .*Unrecognized key: "tagprefix"/,
    ],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects smartem:${name} = ${JSON.stringify(value)?.slice(0, 60) ?? "(unset)"}`, () => {
      const raw: Record<string, string> = { ...VALID };
      if (value === undefined) delete raw[`smartem:${name}`];
      else raw[`smartem:${name}`] = value;
      const problems = problemsOf(raw);
      expect(problems, "exactly one problem").to.have.length(1);
      expect(problems[0]).to.match(message);
    });
  }

  it("declares each key with the Pulumi type of what its schema accepts (Pulumi.yaml, decoding, the reference)", () => {
    const typeOf = (schema: z.ZodType) => key({ schema, description: "d", allowed: "a" }).type;
    expect(typeOf(z.array(z.string()).default([]))).to.equal("array");
    expect(typeOf(z.record(z.string(), z.string()).optional())).to.equal("object");
    expect(typeOf(z.object({ cpu: z.string() }))).to.equal("object");
    expect(typeOf(z.enum(["a", "b"]).default("a"))).to.equal("string");
    expect(typeOf(z.string().transform((s) => s.length))).to.equal("string");
    expect(typeOf(z.number().int().min(1).optional())).to.equal("integer");
    expect(typeOf(z.boolean().default(false))).to.equal("boolean");
    expect(() => typeOf(z.date())).to.throw(/a config schema of kind date has no Pulumi config type/);
    expect(configSchema.backwardCompatibleMigrations.type, "a list, as the reference says").to.equal("array");
  });

  it("never prints the value of a secret key", () => {
    const schema = {
      token: key({ schema: z.string().min(40), description: "t", allowed: "40 characters", secret: true }),
    };
    const error = thrown(() => parseConfig(schema, { "smartem:token": "hunter2" }));
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain("smartem:token = [secret]").and.not.contain("hunter2");
  });

  it("suggests the key a typo most likely meant, and nothing for a name far from every key", () => {
    const unknown = (name: string) =>
      printedProblems(() => loadStackConfig({ ...VALID, [`smartem:${name}`]: "1" })).find((p) =>
        p.startsWith(`smartem:${name} =`),
      );
    expect(unknown("apiReplica")).to.contain("unknown key (did you mean smartem:apiReplicas?)");
    expect(unknown("APIREPLICAS")).to.contain("(did you mean smartem:apiReplicas?)");
    expect(unknown("rabitmqHost")).to.contain("(did you mean smartem:rabbitmqHost?)");
    expect(unknown("colour")).to.match(/: unknown key; allowed: one of the keys of smartem:/);
  });

  it("never echoes a value set with --secret, even under a mistyped or an invalid key", () => {
    const raw = { ...VALID, "smartem:databasePasword": "S3cr3t-plaintext-password", [KEY.databaseHost]: "user:pw@host" };
    const problems = printedProblems(() => loadStackConfig(raw, new Set(["smartem:databasePasword", KEY.databaseHost])));
    expect(problems.join("\n")).to.contain(
      "smartem:databasePasword = [secret]: unknown key (did you mean smartem:databasePassword?)",
    );
    expect(problems.join("\n")).to.contain("smartem:databaseHost = [secret]:");
    expect(problems.join("\n")).to.not.contain("S3cr3t").and.not.contain("user:pw");
  });
});
