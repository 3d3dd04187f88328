/**
 * tools/delivery/runner-entry.ts: how a runner-side script ends, spawned as a workflow step
 * spawns it (`node <file>.ts <args>`): its exit code, or a GitHub error annotation and exit 1.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";

describe("runner-side scripts' entry (runOnRunner)", function () {
  this.timeout(20000);
  let dir: string;
  /** A script whose main does what its first argument says. */
  const SCRIPT = `import { runOnRunner } from ${JSON.stringify(path.join(PROJECT_ROOT, "tools", "delivery", "runner-entry.ts"))};
runOnRunner("step.ts", async (args: string[]) => {
  const [what] = args;
  if (what === "throw") throw new Error("the token lacks issues: write");
  if (what === "reject") return Promise.reject(new Error("GitHub answered 502"));
  if (what === "text") throw "a plain string";
  process.stdout.write("ran " + args.join(" ") + "\\n");
  return Number(what);
});
`;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-entry-"));
    // ES modules, as tools/delivery/package.json declares the scripts there (Node then reads them without a warning).
    fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    fs.writeFileSync(path.join(dir, "step.ts"), SCRIPT);
    // The same module under another name: a library import, as the tests import the scripts.
    fs.writeFileSync(path.join(dir, "library.ts"), SCRIPT);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (file: string, ...args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, file), ...args], { encoding: "utf8", cwd: dir });

  it("passes the arguments and exits with main's code", () => {
    for (const code of [0, 2, 3]) {
      const r = run("step.ts", String(code), "extra");
      expect(r.status, r.stderr).to.equal(code);
      expect(r.stdout).to.equal(`ran ${code} extra\n`);
      expect(r.stderr).to.equal("");
    }
  });

  it("turns a thrown error or a rejection into one error annotation and exit 1, no stack trace", () => {
    for (const [what, message] of [
      ["throw", "the token lacks issues: write"],
      ["reject", "GitHub answered 502"],
      ["text", "a plain string"],
    ]) {
      const r = run("step.ts", what);
      expect(r.status, what).to.equal(1);
      expect(r.stderr, what).to.equal(`::error::${message}\n`);
      expect(r.stdout, what).to.equal("");
    }
  });

  it("a script under tools/delivery/ starts as a step starts it, printing only its own text (no notice from Node)", () => {
    const r = spawnSync(process.execPath, [path.join("tools", "delivery", "rollout-issue.ts")], {
      encoding: "utf8",
      cwd: PROJECT_ROOT,
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal("usage: node tools/delivery/rollout-issue.ts upkeep\n");
  });

  it("runs nothing when the module is imported by a process started with another file", () => {
    const r = run("library.ts", "throw");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.equal("");
  });
});
