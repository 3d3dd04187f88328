import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, SECRET_MARKER } from "../../../components/config/keys";
import { evaluate } from "../../../tools/engine/evaluate";
import { offlineOptions } from "../../../tools/engine/offline";
import { OFFLINE_SECRET_PLACEHOLDER } from "../../../tools/engine/stack-file";
import { runProgram } from "../../../components/program";
import { evaluateStack, resource } from "../../support/evaluate";
import { OBJECT_NAMES } from "../../../components/backend/names";
import { KEY } from "../../../components/program-config";
import { TYPES } from "../../../components/shared/project";
import { rejection } from "../../support/refusals";

describe("evaluation engine (mock runtime)", () => {
  it("evaluates a stack file offline and returns resources and outputs", async () => {
    const evaluation = await evaluateStack("dev");
    expect(evaluation.stack).to.equal("dev");
    expect(evaluation.resources.length).to.be.greaterThan(0);
    expect(evaluation.outputs.backendVersion).to.equal("0.1.1rc52");
  });

  it("can run many times in one process with different config", async () => {
    const a = await evaluateStack("dev", { backendVersion: "5.1.0" });
    const b = await evaluateStack("dev", { backendVersion: "5.2.0" });
    expect([a.outputs.backendVersion, b.outputs.backendVersion]).to.deep.equal(["5.1.0", "5.2.0"]);
    expect(a.resources.length).to.equal(b.resources.length);
  });

  it("rejects invalid config with a ConfigError naming the key", async () => {
    const error = await rejection(evaluateStack("dev", { backendVersion: "latest" }));
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain('smartem:backendVersion = "latest"');
  });

  it("registers no resource at all when the config is invalid", async () => {
    const registered: string[] = [];
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        registered.push(args.name);
        return { id: args.name, state: args.inputs };
      },
      call: () => ({}),
    });
    const thrown = await rejection(runProgram("dev", { [KEY.backendVersion]: "1.2.3+local", [KEY.apiReplicas]: "-3" }));
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    expect(thrown).to.be.instanceOf(ConfigError);
    expect(registered).to.deep.equal([]);
  });

  it("carries encrypted (secure:) config only as [secret], in resources and in the recorded config", async () => {
    const evaluation = await evaluateStack("staging", { databasePassword: "a-very-secret-database-password" });
    const everything = JSON.stringify(evaluation);
    expect(everything).to.not.contain("a-very-secret-database-password");
    expect(everything).to.not.contain(OFFLINE_SECRET_PLACEHOLDER);
    const secret = evaluation.resources.find((r) => r.type === TYPES.secret);
    expect(secret?.inputs.stringData, "a Secret keeps its keys, each value redacted").to.include({
      POSTGRES_PASSWORD: SECRET_MARKER,
    });
    expect(Object.values(secret?.inputs.stringData as object)).to.satisfy((values: unknown[]) =>
      values.every((v) => v === SECRET_MARKER),
    );
    expect(evaluation.config[KEY.databasePassword]).to.equal(SECRET_MARKER);
  });

  it("records a secret stack output only as [secret] (the render writes outputs.json from it)", async () => {
    // No output of the program is secret today; a code change that exports one must not leak it.
    const evaluation = await evaluate({
      ...offlineOptions("dev"),
      program: async () => ({
        token: pulumi.secret("a-very-secret-token"),
        nested: pulumi.output({ kept: "plain" }),
        plain: "visible",
      }),
    });
    expect(evaluation.outputs).to.deep.equal({ token: SECRET_MARKER, nested: { kept: "plain" }, plain: "visible" });
    expect(JSON.stringify(evaluation)).to.not.contain("a-very-secret-token");
  });

  it("refuses a secret key written in clear in the stack file, without echoing it", async () => {
    const options = offlineOptions("staging");
    const config = { ...options.config, [KEY.databasePassword]: "a-password-in-clear-text" };
    const secretKeys = (options.secretKeys ?? []).filter((k) => k !== KEY.databasePassword);
    const error = await rejection(evaluate({ ...options, config, secretKeys }));
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain("smartem:databasePassword = [secret]: stored in clear in the stack file");
    expect(error.message).to.contain("pulumi config set --secret smartem:databasePassword");
    expect(error.message).to.not.contain("a-password-in-clear-text");
  });

  it("does not depend on the developer's environment (kubeconfig, provider flags, GitHub token)", async () => {
    const baseline = JSON.stringify(await evaluateStack("dev"));
    const ambient = {
      KUBECONFIG: "/home/someone/.kube/config",
      PULUMI_K8S_ENABLE_PATCH_FORCE: "true",
      GITHUB_TOKEN: "ghp_from_the_shell",
      GITHUB_BASE_URL: "https://ghe.example/",
    };
    Object.assign(process.env, ambient);
    try {
      const evaluation = JSON.stringify(await evaluateStack("dev"));
      expect(evaluation).to.equal(baseline);
      for (const value of [ambient.KUBECONFIG, ambient.GITHUB_TOKEN, ambient.GITHUB_BASE_URL])
        expect(evaluation).to.not.contain(value);
      expect(process.env.KUBECONFIG, "restored afterwards").to.equal(ambient.KUBECONFIG);
    } finally {
      for (const key of Object.keys(ambient)) delete process.env[key];
    }
  });

  it("records each resource's parent URN when it has one", async () => {
    const evaluation = await evaluateStack("dev");
    const urns = new Set(evaluation.resources.map((r) => r.urn));
    for (const r of evaluation.resources) {
      if (r.parent) expect(urns.has(r.parent), `${r.name}'s parent ${r.parent} is registered`).to.equal(true);
    }
    // The children of each component name it; the components themselves have no parent.
    const parentOf = (type: string, name: string) => resource(evaluation, type, name).parent;
    const backend = resource(evaluation, TYPES.backend, "smartem").urn;
    expect(parentOf(TYPES.deployment, OBJECT_NAMES.api)).to.equal(backend);
    expect(parentOf(TYPES.job, "smartem-migrate")).to.equal(backend);
    expect(parentOf(TYPES.kubernetesProvider, "smartem-k8s")).to.equal(backend);
    expect(parentOf(TYPES.environment, "smartem-decisions-pypi")).to.equal(
      resource(evaluation, TYPES.releaseGate, "smartem-decisions").urn,
    );
    expect(parentOf(TYPES.repositoryFile, "smartem-decisions-workflow")).to.equal(
      resource(evaluation, TYPES.pythonPackageRelease, "smartem-decisions").urn,
    );
    expect(parentOf(TYPES.backend, "smartem")).to.equal(undefined);
  });
});
