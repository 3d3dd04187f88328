import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";
import { bumpScript } from "../../tools/bump/bump-script";
import { renderScript } from "../../tools/render/render-script";
import { projectCopy } from "../support/project-copy";
import { runScriptFile, runScriptInProcess } from "../support/spawn";

/** Every script under scripts/ (what `npm run <name>` and the benchmark run). */
const SCRIPTS = fs
  .readdirSync(path.join(PROJECT_ROOT, "scripts"))
  .filter((file) => file.endsWith(".ts"))
  .map((file) => `scripts/${file}`);

/** No stack trace, no parser internals: what a user must never see. */
const INTERNALS = /^\s+at |YAML(Parse)?Error|BLOCK_FOLDED|BLOCK_LITERAL|Error: |node:internal/m;

describe("the scripts' command lines", function () {
  this.timeout(60000);

  it("there are the npm scripts' entry points, each under scripts/", () => {
    const npmScripts = (
      JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    for (const name of ["render", "golden", "bench", "bump"]) {
      const entry = /scripts\/run\.cjs (scripts\/\S+\.ts)/.exec(npmScripts[name] ?? "")?.[1];
      expect(SCRIPTS, name).to.include(entry);
    }
  });

  for (const script of SCRIPTS) {
    it(`${script} answers --help with its usage, and refuses an unknown flag naming it`, () => {
      const help = runScriptFile(script, ["--help"]);
      expect(help.status, help.stderr).to.equal(0);
      expect(help.stdout)
        .to.match(/^usage: /)
        .and.to.contain("--help");
      expect(help.stderr).to.equal("");
      const unknown = runScriptFile(script, ["--no-such-flag"]);
      expect(unknown.status).to.equal(2);
      expect(unknown.stderr).to.match(/unknown flag --no-such-flag; see .* --help/);
      expect(unknown.stdout).to.equal("");
    });
  }

  // -h is read by the command line every script runs (tools/cli.ts), so in-process: the spawned
  // --help above proves that each script runs it.
  it("-h is --help, and wins over any other flag", async () => {
    const scripts = {
      render: (args: string[]) => runScriptInProcess(renderScript, args),
      bump: (args: string[]) => runScriptInProcess(bumpScript, args),
    };
    for (const [name, run] of Object.entries(scripts)) {
      const help = await run(["--help"]);
      for (const args of [["-h"], ["--stack", "--no-such-flag", "-h"]]) {
        expect(await run(args), `${name} ${args.join(" ")}`).to.deep.equal(help);
      }
      expect(help.status).to.equal(0);
      expect(help.stdout).to.match(/^usage: /);
      expect(help.stderr).to.equal("");
    }
  });

  it("scripts/run.cjs answers --help, and refuses a flag where the script should be", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "run.cjs"), ...args], { encoding: "utf8" });
    expect(run(["--help"]).status).to.equal(0);
    expect(run(["--help"]).stdout).to.match(/^usage: node scripts\/run\.cjs <script\.ts>/);
    const wrong = run(["--stack", "dev"]);
    expect(wrong.status).to.equal(2);
    expect(wrong.stderr).to.contain("unknown flag --stack");
  });

  // In-process: the command line is the same code (executeScript) that the --help tests above
  // prove each script runs under; only what happens after the flags are read is tested here.
  it("a flag without its value, a stray argument and a missing flag are refused before anything runs", async () => {
    const cases: [string[], RegExp][] = [
      [["--stack"], /^render: --stack needs a value; see npm run render -- --help$/],
      [["--stack", "--out", "x"], /^render: --stack needs a value \(got the flag --out; write --stack=--out if you mean it\)/],
      [["dev"], /^render: unexpected argument "dev"/],
      [[], /^render: missing --stack/],
      [["--stack", "dev", "--stack", "staging"], /^render: --stack is given twice/],
    ];
    for (const [args, message] of cases) {
      const result = await runScriptInProcess(renderScript, args);
      expect(result.status, args.join(" ")).to.equal(2);
      expect(result.stderr.trim(), args.join(" ")).to.match(message);
    }
  });

  describe("npm run bump: every refusal is a clean message and a non-zero exit, the stack file untouched", () => {
    // A broken stack file goes into a copy of the project (never into the checkout), where the
    // command runs; every other case runs in-process, and the first one that reaches the stack
    // file also as the command, whose exit code and stderr a user sees.
    const odd = "odd";
    let copy: string;
    before(() => (copy = projectCopy("bump-refusals-", { runnable: true })));
    after(() => fs.rmSync(copy, { recursive: true, force: true }));
    const spawned = "a version that is not PEP 440";
    const cases: [string, string[], RegExp, string?][] = [
      ["no --version", ["--stack", "staging"], /^bump: missing --version; see npm run bump -- --help$/],
      [
        "an unknown stack",
        ["--stack", "nope", "--version", "0.1.1"],
        /^bump failed: --stack nope: no Pulumi\.nope\.yaml; the stacks here are: .*staging/,
      ],
      [
        "a stack name that is a path",
        ["--stack", "../x", "--version", "0.1.1"],
        /^bump failed: --stack "\.\.\/x": a stack name has only letters/,
      ],
      [
        "a version that is not PEP 440",
        ["--stack", "staging", "--version", "latest"],
        /^bump refused: Pulumi\.staging\.yaml is unchanged\.\n {2}- smartem:backendVersion = "latest": .*allowed:/,
      ],
      [
        "a guard refusal",
        ["--stack", "production", "--version", "0.1.1rc52"],
        /^bump refused: Pulumi\.production\.yaml is unchanged\.\n {2}- .*is a pre-release and stack production takes only final releases/,
      ],
      [
        "a stack file that is not YAML",
        ["--stack", odd, "--version", "0.1.1"],
        new RegExp(
          `^bump refused: Pulumi\\.${odd}\\.yaml is unchanged\\.\\n {2}- Pulumi\\.${odd}\\.yaml is invalid as it stands; fix it first:\\n {4}- Pulumi\\.${odd}\\.yaml:3:3: \\(YAML syntax\\) = "smartem:backendVersion: 0\\.1\\.0": Map keys must be unique; allowed: `,
        ),
        "config:\n  smartem:backendVersion: 0.1.0\n  smartem:backendVersion: 0.1.0\n",
      ],
      [
        "a version written as a folded block",
        ["--stack", odd, "--version", "0.1.1"],
        /written as a folded block \(>\); write it on one line/,
        "config:\n  smartem:backendVersion: >-\n    0.1.0\n  smartem:allowPrerelease: true\n  smartem:manageGithub: false\n",
      ],
    ];
    for (const [what, args, message, oddText] of cases) {
      it(
        what + (what === spawned ? " (also as the command)" : oddText !== undefined ? " (the command, in a copy)" : ""),
        async () => {
          const root = oddText === undefined ? PROJECT_ROOT : copy;
          if (oddText !== undefined) fs.writeFileSync(path.join(copy, `Pulumi.${odd}.yaml`), oddText);
          const files = fs.readdirSync(root).filter((f) => /^Pulumi\..*\.yaml$/.test(f));
          const before = files.map((f) => fs.readFileSync(path.join(root, f), "utf8"));
          const runs =
            oddText === undefined
              ? [await runScriptInProcess(bumpScript, args)]
              : [runScriptFile("scripts/bump.ts", args, { root })];
          if (what === spawned) runs.push(runScriptFile("scripts/bump.ts", args));
          for (const result of runs) {
            expect(result.status, result.stderr).to.be.oneOf([1, 2]);
            expect(result.stderr.trim()).to.match(message);
            expect(result.stderr).to.not.match(INTERNALS);
          }
          expect(files.map((f) => fs.readFileSync(path.join(root, f), "utf8"))).to.deep.equal(before);
          expect(fs.readdirSync(root).filter((f) => f.includes(".write-"))).to.deep.equal([]);
        },
      );
    }
  });
});
