import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";

describe("scripts/run.cjs (the launcher of npm run render, golden, bench, bump)", function () {
  this.timeout(30000);
  // The launcher caches bundles beside itself: a copy of it in a temporary project, so that
  // the test's scripts and bundles never appear in the checkout's scripts/.
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "run-cjs-"));
    fs.mkdirSync(path.join(root, "scripts"));
    fs.copyFileSync(path.join(PROJECT_ROOT, "scripts", "run.cjs"), path.join(root, "scripts", "run.cjs"));
    // The launcher reads the project's dependencies to know which packages stay outside the bundle.
    fs.copyFileSync(path.join(PROJECT_ROOT, "package.json"), path.join(root, "package.json"));
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(root, "node_modules"));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const run = () =>
    spawnSync(process.execPath, [path.join(root, "scripts", "run.cjs"), path.join("scripts", "entry.ts"), "--flag", "x"], {
      cwd: root,
      encoding: "utf8",
    });

  it("runs a TypeScript script with its arguments, and rebuilds it when a source it imports changes", () => {
    const dependency = path.join(root, "scripts", "dependency.ts");
    fs.writeFileSync(dependency, 'export const answer: string = "first";\n');
    fs.writeFileSync(
      path.join(root, "scripts", "entry.ts"),
      `import { answer } from "./dependency";\nconsole.log(answer, process.argv.slice(2).join(" "));\n`,
    );
    const first = run();
    expect(first.stderr).to.equal("");
    expect(first.stdout.trim()).to.equal("first --flag x");

    fs.writeFileSync(dependency, 'export const answer: string = "second";\n');
    expect(run().stdout.trim()).to.equal("second --flag x");
  });
});
