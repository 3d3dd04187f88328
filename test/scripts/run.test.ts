import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";

describe("scripts/run.cjs (the launcher of npm run render, golden, bench, bump)", function () {
  this.timeout(30000);
  const id = `${process.pid}-${Date.now()}`;
  const entry = path.join(PROJECT_ROOT, "scripts", `.run-test-${id}.ts`);
  const dependency = path.join(PROJECT_ROOT, "scripts", `.run-test-dep-${id}.ts`);
  const cache = path.join(PROJECT_ROOT, "scripts", ".cache");
  const run = () =>
    spawnSync(
      process.execPath,
      [path.join(PROJECT_ROOT, "scripts", "run.cjs"), path.relative(PROJECT_ROOT, entry), "--flag", "x"],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      },
    );

  after(() => {
    for (const file of [entry, dependency]) fs.rmSync(file, { force: true });
    for (const file of fs.existsSync(cache) ? fs.readdirSync(cache) : []) {
      if (file.includes(`.run-test-${id}`)) fs.rmSync(path.join(cache, file), { force: true });
    }
  });

  it("runs a TypeScript script with its arguments, and rebuilds it when a source it imports changes", () => {
    fs.writeFileSync(dependency, 'export const answer: string = "first";\n');
    fs.writeFileSync(
      entry,
      `import { answer } from "./.run-test-dep-${id}";\nconsole.log(answer, process.argv.slice(2).join(" "));\n`,
    );
    const first = run();
    expect(first.stderr).to.equal("");
    expect(first.stdout.trim()).to.equal("first --flag x");

    fs.writeFileSync(dependency, 'export const answer: string = "second";\n');
    expect(run().stdout.trim()).to.equal("second --flag x");
  });
});
