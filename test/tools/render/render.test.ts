import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import { renderFiles, writeRender } from "../../../tools/render/render";
import { readTree } from "../../../tools/render/golden";
import { evaluateStack } from "../../support/evaluate";


function renderCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // Exactly what `npm run render -- <args>` runs.
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "run.cjs"), "scripts/render.ts", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("render", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("lays out plan.json, outputs.json and one file per Kubernetes object", async () => {
    const files = renderFiles(await evaluateStack("dev"));
    const plan = JSON.parse(files.get("plan.json") ?? "[]") as Array<{ type: string; name: string; inputs: unknown }>;
    expect(plan.length).to.be.greaterThan(0);
    for (const entry of plan) expect(Object.keys(entry)).to.deep.equal(["type", "name", "inputs"]);
    expect(JSON.parse(files.get("outputs.json") ?? "{}")).to.have.property("backendVersion", "0.1.1rc52");
    const k8sFiles = [...files.keys()].filter((f) => f.startsWith("k8s/"));
    for (const f of k8sFiles) expect(f).to.match(/^k8s\/[a-z0-9-_]+\/[a-z]+-[a-z0-9.-]+\.yaml$/);
  });

  it("replaces the whole output folder, leaving no stale file behind", async () => {
    const out = path.join(tmp, "out");
    await writeRender(new Map([["a.txt", "1"], ["sub/b.txt", "2"]]), out);
    await writeRender(new Map([["a.txt", "3"]]), out);
    expect([...readTree(out)]).to.deep.equal([["a.txt", "3"]]);
    expect(fs.readdirSync(tmp)).to.deep.equal(["out"]);
    const ordinary = fs.statSync(fs.mkdirSync(path.join(tmp, "ordinary"), { recursive: true }) ?? "").mode;
    fs.rmdirSync(path.join(tmp, "ordinary"));
    expect(fs.statSync(out).mode, "an ordinary folder, not mkdtemp's private one").to.equal(ordinary);
  });

  it("leaves the previous output untouched when writing fails", async () => {
    const out = path.join(tmp, "out");
    await writeRender(new Map([["a.txt", "1"]]), out);
    const error = await writeRender(new Map([["ok.txt", "x"], ["../escape.txt", "y"]]), out).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/outside the render/);
    expect([...readTree(out)]).to.deep.equal([["a.txt", "1"]]);
    expect(fs.readdirSync(tmp)).to.deep.equal(["out"]);
  });

  describe("npm run render (the command)", function () {
    this.timeout(60000);
    const badStack = `test-invalid-${process.pid}`;
    const badFile = path.join(PROJECT_ROOT, `Pulumi.${badStack}.yaml`);
    after(() => fs.rmSync(badFile, { force: true }));

    it("writes the dev render offline and prints a summary", () => {
      const out = path.join(tmp, "dev");
      const result = renderCli(["--stack", "dev", "--out", out]);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/stack dev: \d+ resources/).and.match(/files written to/);
      expect(fs.existsSync(path.join(out, "plan.json"))).to.equal(true);
    });

    it("exits non-zero on an invalid backendVersion, names it, and leaves the out folder untouched", () => {
      fs.writeFileSync(badFile, "config:\n  smartem:backendVersion: latest\n");
      const out = path.join(tmp, "out");
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, "previous.txt"), "kept");
      const result = renderCli(["--stack", badStack, "--out", out]);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.contain('smartem:backendVersion = "latest"').and.contain("allowed:");
      expect([...readTree(out)]).to.deep.equal([["previous.txt", "kept"]]);
    });

    it("refuses an unknown stack and lists the known ones", () => {
      const result = renderCli(["--stack", "nope", "--out", path.join(tmp, "x")]);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.match(/no Pulumi\.nope\.yaml; the stacks here are: .*dev/);
      expect(fs.existsSync(path.join(tmp, "x"))).to.equal(false);
    });
  });
});
