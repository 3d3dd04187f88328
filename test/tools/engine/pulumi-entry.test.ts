import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";

describe("the Pulumi CLI's way into the program", function () {
  this.timeout(60000);

  it("ts-node (what `pulumi preview` uses for a TypeScript project) compiles index.ts with type checks", () => {
    const script = 'require("ts-node").register({ typeCheck: true }); const program = require("./index.ts"); process.stdout.write(typeof program);';
    const result = spawnSync(process.execPath, ["-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(result.stderr).to.equal("");
    expect(result.stdout).to.equal("function");
  });
});
