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
    fs.writeFileSync(path.join(dir, "step.ts"), SCRIPT);
    // The same module under another name: a library import, as the tests import the scripts.
    fs.writeFileSync(path.join(dir, "library.ts"), SCRIPT);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Node's own notice that a typeless package's .ts file is read as an ES module (it prints
   * it on the runner too, for every script under tools/delivery/): not the script's output.
   */
  const NODE_NOTICE = /^\(node:\d+\) \[MODULE_TYPELESS_PACKAGE_JSON\][^]*?\(Use `node --trace-warnings[^\n]*\n/;
  const run = (file: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(dir, file), ...args], { encoding: "utf8", cwd: dir });
    return { ...r, stderr: r.stderr.replace(NODE_NOTICE, "") };
  };

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

  it("runs nothing when the module is imported by a process started with another file", () => {
    const r = run("library.ts", "throw");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.equal("");
  });
});
