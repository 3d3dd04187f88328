import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, stackFilePath } from "../../../tools/engine/stack-file";
import { renderFiles, writeRender } from "../../../tools/render/render";
import { readTree } from "../../../tools/render/golden";
import { RENDER_MARKER, isRender } from "../../../tools/render/out-dir";
import { CRASH_POINTS, KILL_AT_ENV } from "../../../tools/fs/crash-point";
import { evaluateStack } from "../../support/evaluate";
import { renderScript } from "../../../tools/render/render-script";
import { projectCopy } from "../../support/project-copy";
import { ScriptRun, runScriptFile, runScriptInProcess } from "../../support/spawn";

/** Exactly what `npm run render -- <args>` runs. */
function renderCli(args: string[], options: { cwd?: string; env?: Record<string, string>; root?: string } = {}): ScriptRun {
  return runScriptFile("scripts/render.ts", args, options);
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
    await writeRender(
      new Map([
        ["a.txt", "1"],
        ["sub/b.txt", "2"],
      ]),
      out,
    );
    await writeRender(new Map([["a.txt", "3"]]), out);
    expect([...readTree(out).keys()]).to.deep.equal([RENDER_MARKER, "a.txt"]);
    expect(readTree(out).get("a.txt")).to.equal("3");
    expect(fs.readdirSync(tmp)).to.deep.equal(["out"]);
    const ordinary = fs.statSync(fs.mkdirSync(path.join(tmp, "ordinary"), { recursive: true }) ?? "").mode;
    fs.rmdirSync(path.join(tmp, "ordinary"));
    expect(fs.statSync(out).mode, "an ordinary folder, not mkdtemp's private one").to.equal(ordinary);
  });

  it("leaves the previous output untouched when writing fails", async () => {
    const out = path.join(tmp, "out");
    await writeRender(new Map([["a.txt", "1"]]), out);
    const error = await writeRender(
      new Map([
        ["ok.txt", "x"],
        ["../escape.txt", "y"],
      ]),
      out,
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/outside the render/);
    expect([...readTree(out).keys()]).to.deep.equal([RENDER_MARKER, "a.txt"]);
    expect(readTree(out).get("a.txt")).to.equal("1");
    expect(fs.readdirSync(tmp)).to.deep.equal(["out"]);
  });

  describe("npm run render (the command)", function () {
    this.timeout(60000);
    it("exits non-zero on an invalid backendVersion, names it, and leaves the previous render untouched", async () => {
      // The bad stack file goes into a copy of the project, never into the checkout.
      const project = projectCopy("render-invalid-", { runnable: true });
      try {
        fs.writeFileSync(stackFilePath("invalid", project), "config:\n  smartem:backendVersion: latest\n");
        const out = path.join(tmp, "out");
        await writeRender(new Map([["previous.txt", "kept"]]), out);
        const before = readTree(out);
        const result = renderCli(["--stack", "invalid", "--out", out], { root: project });
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.contain('smartem:backendVersion = "latest"').and.contain("allowed:");
        expect(readTree(out)).to.deep.equal(before);
        expect(fs.readdirSync(tmp)).to.deep.equal(["out"]);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });

    // In-process (the command line's exit codes and messages are the spawned tests' job); the
    // relative --out paths are read from the current folder, so the test runs from tmp.
    it("refuses --out on user files, a file, the current folder and the checkout, naming it as typed, before evaluating", async () => {
      fs.mkdirSync(path.join(tmp, "docs"));
      fs.writeFileSync(path.join(tmp, "docs", "notes.md"), "mine");
      fs.writeFileSync(path.join(tmp, "report.txt"), "mine");
      const before = fs.readdirSync(tmp, { recursive: true }).sort();
      const cases: [string, RegExp][] = [
        ["docs", /^render failed: --out docs: holds files the render did not write \(notes\.md\)/],
        ["report.txt", /^render failed: --out report\.txt: is a file, not a folder/],
        ["report.txt/dev", /^render failed: --out report\.txt\/dev: a part of the path is a file, not a folder/],
        [".", /^render failed: --out \.: is the current folder/],
        [PROJECT_ROOT, /is this checkout/],
      ];
      const cwd = process.cwd();
      process.chdir(tmp);
      try {
        for (const [out, message] of cases) {
          // An unknown stack too: the --out check comes first, so a wrong --out is named at once.
          const result = await runScriptInProcess(renderScript, ["--stack", "no-such-stack", "--out", out]);
          expect(result.status, out).to.equal(1);
          expect(result.stderr.trim(), out)
            .to.match(message)
            .and.to.match(/nothing was written$/);
        }
      } finally {
        process.chdir(cwd);
      }
      expect(fs.readdirSync(tmp, { recursive: true }).sort()).to.deep.equal(before);
      expect(fs.readFileSync(path.join(tmp, "docs", "notes.md"), "utf8")).to.equal("mine");
    });

    // One test for both, as each full render spawned costs most of a second: the run after the
    // kill is an ordinary dev render (over a leftover it restores first).
    it("killed with SIGKILL between its renames: the next render puts the previous one back, then replaces it, and prints a summary", async () => {
      const out = path.join(tmp, "dev");
      const previous = renderFiles(await evaluateStack("dev"));
      previous.set("plan.json", "the previous render\n");
      await writeRender(previous, out);
      const killed = renderCli(["--stack", "dev", "--out", out], { env: { [KILL_AT_ENV]: CRASH_POINTS.renderOldAside } });
      expect(killed.signal, killed.stderr).to.equal("SIGKILL");
      const [old] = fs.readdirSync(tmp).filter((name) => name.startsWith(".dev.old-"));
      expect(fs.existsSync(out)).to.equal(false);
      expect(readTree(path.join(tmp, old ?? "")).get("plan.json")).to.equal("the previous render\n");

      const next = renderCli(["--stack", "dev", "--out", out]);
      expect(next.status, next.stderr).to.equal(0);
      expect(next.stdout)
        .to.match(/stack dev: \d+ resources/)
        .and.match(/files written to/);
      expect(isRender(out)).to.equal(true);
      expect(fs.existsSync(path.join(out, "plan.json"))).to.equal(true);
      expect(readTree(out).get("plan.json")).to.not.equal("the previous render\n");
      expect(fs.readdirSync(tmp)).to.deep.equal(["dev"]);
    });

    it("refuses an unknown stack and lists the known ones", async () => {
      const result = await runScriptInProcess(renderScript, ["--stack", "nope", "--out", path.join(tmp, "x")]);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.match(/no Pulumi\.nope\.yaml; the stacks here are: .*dev/);
      expect(fs.existsSync(path.join(tmp, "x"))).to.equal(false);
    });
  });
});
