import { expect } from "chai";
import * as path from "node:path";
import { readKubeconfig } from "../../components/backend/kubernetes-provider";
import { ConfigError, SECRET_MARKER } from "../../components/config/keys";
import { evaluateStack, resource, resourcesOfType } from "../support/evaluate";
import { KUBECONFIG_CONTENTS, KUBECONFIG_PATH, evaluateLive, liveRejection } from "../support/live-run";
import { TYPES } from "../../components/shared/project";

const PROVIDER = TYPES.kubernetesProvider;
const files = (entries: Record<string, string>) => (file: string) => {
  const contents = entries[file];
  if (contents === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
  return contents;
};

describe("the Kubernetes provider gets the kubeconfig's contents, never its path", () => {
  it("reads the one file KUBECONFIG names, else ~/.kube/config", () => {
    expect(readKubeconfig({ KUBECONFIG: "/a/config" }, files({ "/a/config": "A" }), "/home/me")).to.deep.equal({ contents: "A" });
    expect(readKubeconfig({}, files({ "/home/me/.kube/config": "H" }), "/home/me")).to.deep.equal({ contents: "H" });
    expect(readKubeconfig({ KUBECONFIG: "" }, files({ "/home/me/.kube/config": "H" }), "/home/me")).to.deep.equal({
      contents: "H",
    });
  });

  it("refuses a KUBECONFIG that lists several files, and a file it cannot read, naming it", () => {
    const several = readKubeconfig({ KUBECONFIG: ["/a", "/b"].join(path.delimiter) }, files({ "/a": "A", "/b": "B" }));
    expect("problems" in several && several.problems[0]).to.deep.include({ key: "KUBECONFIG" });
    const missing = readKubeconfig({ KUBECONFIG: "/gone" }, files({}));
    expect("problems" in missing && missing.problems[0]).to.deep.include({ key: "KUBECONFIG", value: '"/gone"' });
    expect("problems" in missing && missing.problems[0]!.message).to.contain("cannot be read (ENOENT)");
  });

  it("a real run passes the contents as a secret and the stack's clusterIdentifier; state never names a file", async () => {
    const ev = await evaluateLive("production");
    const provider = resource(ev, PROVIDER, "smartem-k8s");
    expect(provider.inputs).to.deep.equal({
      kubeconfig: SECRET_MARKER,
      clusterIdentifier: "production",
      deleteUnreachable: "false",
      skipUpdateUnreachable: "false",
    });
    const everything = JSON.stringify(ev);
    expect(everything).to.not.contain(KUBECONFIG_PATH);
    expect(everything).to.not.contain("kube-token-must-never-show");
  });

  it("CI and a laptop give the provider the same clusterIdentifier, whatever their kubeconfig calls the cluster", async () => {
    const laptop = KUBECONFIG_CONTENTS.replace(/\bci\b/g, "my-laptop-context");
    const ci = resource(await evaluateLive("staging"), PROVIDER, "smartem-k8s");
    const mine = resource(
      await evaluateLive("staging", { env: {}, files: { "/home/someone/.kube/config": laptop } }),
      PROVIDER,
      "smartem-k8s",
    );
    expect(mine.inputs.clusterIdentifier).to.equal("staging").and.equal(ci.inputs.clusterIdentifier);
  });

  it("a real run refuses a stack without smartem:clusterName, and a missing kubeconfig, before anything is registered", async () => {
    const error = await liveRejection("staging", { overrides: { clusterName: undefined }, files: {} });
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain("smartem:clusterName = (unset): required by pulumi preview/up");
    expect(error.message).to.contain(`KUBECONFIG = "${KUBECONFIG_PATH}": cannot be read`);
  });

  it("offline, the provider shows a secret kubeconfig and no path even when KUBECONFIG is set", async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = "/somewhere/on/my/laptop";
    try {
      const ev = await evaluateStack("dev");
      const [provider, ...others] = resourcesOfType(ev, PROVIDER);
      expect(others).to.deep.equal([]);
      expect(provider!.inputs.kubeconfig).to.equal(SECRET_MARKER);
      expect(JSON.stringify(ev)).to.not.contain("/somewhere/on/my/laptop");
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
