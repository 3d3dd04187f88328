/**
 * Every bad stack file of the corpus (bad-inputs.ts) is refused by the offline render, in
 * process through the functions `npm run render` runs (evaluateOffline + runRender), and a
 * few through the `npm run render` command itself: non-zero exit, a message naming the key,
 * the value as written and what is allowed, no JavaScript stack trace, nothing written.
 * The project folder of each run holds the corpus stack beside the checked-in stack files.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../components/config/keys";
import { evaluateOffline } from "../../tools/engine/offline";
import { runRender } from "../../tools/render/render-run";
import { BAD_INPUTS, BadInput, stackText } from "./bad-inputs";
import { KEY } from "../../components/program-config";

import { projectCopy } from "../support/project-copy";
import { runScriptFile } from "../support/spawn";

const STACK = "corpus";

/** The stack file of the case, `Pulumi.corpus.yaml`. */
function withCorpusStack(root: string, text: string): void {
  fs.writeFileSync(path.join(root, `Pulumi.${STACK}.yaml`), text);
}

/** What a refusal must say about a case. */
function expectRefusal(message: string, input: BadInput): void {
  expect(message, "the key").to.include(input.key);
  expect(message, "the value as written").to.include(input.written);
  const line = message.split("\n").find((l) => l.includes(input.key) && l.includes(input.written)) ?? "";
  expect(line, "one line names the key, the value and what is allowed").to.match(/allowed: /);
  expect(line.slice(line.indexOf("allowed: ")), "what is allowed").to.match(input.allowed);
  expect(message, "no stack trace").to.not.match(/^\s+at /m);
  expect(message, "no parser internals").to.not.match(
    /YAML(Parse)?Error|BLOCK_FOLDED|BLOCK_LITERAL|PLAIN|QUOTE_|\b[a-z]+-[a-z]+-(ind|start|end)\b/,
  );
}

describe("bad stack files are refused by the offline render (test/config/bad-inputs.ts)", function () {
  let root: string;
  let out: string;
  before(() => {
    root = projectCopy("smartem-bad-inputs-");
    out = path.join(root, "out");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("covers over 150 mistakes across the keys", () => {
    expect(BAD_INPUTS.length).to.be.greaterThan(150);
    expect(new Set(BAD_INPUTS.map(([title]) => title)).size, "titles are unique").to.equal(BAD_INPUTS.length);
  });

  it("renders the corpus's base stack (the control: each case differs from it by its mistake)", async () => {
    withCorpusStack(root, stackText({ key: "", written: "", allowed: /./ }));
    const run = await runRender(await evaluateOffline(STACK, root), out);
    expect(run.summary).to.match(/files written/);
    fs.rmSync(out, { recursive: true, force: true });
  });

  for (const [title, input] of BAD_INPUTS) {
    it(`refuses ${title}`, async () => {
      withCorpusStack(root, stackText(input));
      const error = await (async () => runRender(await evaluateOffline(STACK, root), out))().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, "a ConfigError").to.be.instanceOf(ConfigError);
      expectRefusal((error as ConfigError).message, input);
      expect(fs.existsSync(out), "nothing written").to.equal(false);
    });
  }
});

describe("npm run render refuses bad stack files (the command, spawned)", function () {
  this.timeout(60000);
  let root: string;
  before(() => {
    root = projectCopy("smartem-render-cli-", { runnable: true });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const render = (text: string): { status: number | null; stdout: string; stderr: string; out: string } => {
    withCorpusStack(root, text);
    const out = path.join(root, "out", STACK);
    // What `npm run render -- --stack corpus --out <out>` runs.
    const run = runScriptFile("scripts/render.ts", ["--stack", STACK, "--out", out], { root });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, out };
  };

  const cases = ["hex integer", "two documents", "empty host label", "production's repository"];
  for (const title of cases) {
    const input = BAD_INPUTS.find(([t]) => t === title)![1];
    it(`exits non-zero on ${title}, says why on stderr, writes nothing`, () => {
      const run = render(stackText(input));
      expect(run.status).to.equal(1);
      expect(run.stderr).to.match(/^render failed: Invalid stack/);
      expectRefusal(run.stderr, input);
      expect(fs.existsSync(run.out)).to.equal(false);
    });
  }

  it("renders a stack beside a broken one, and warns about placeholders on stderr", () => {
    fs.writeFileSync(path.join(root, "Pulumi.broken.yaml"), "config:\n  smartem:apiReplicas: 0x10\n");
    try {
      const run = render(stackText({ key: "", written: "", allowed: /./, set: { [KEY.databaseHost]: "db.smartem.invalid" } }));
      expect(run.stderr, run.stderr).to.not.match(/render failed/);
      expect(run.status).to.equal(0);
      expect(run.stderr).to.match(
        /^warning: Pulumi\.corpus\.yaml: smartem:databaseHost = "db\.smartem\.invalid": a placeholder .*allowed: the host name/m,
      );
      expect(run.stderr).to.match(/Pulumi\.broken\.yaml is invalid/);
      expect(fs.existsSync(path.join(run.out, "plan.json"))).to.equal(true);
    } finally {
      fs.rmSync(path.join(root, "Pulumi.broken.yaml"));
    }
  });
});
