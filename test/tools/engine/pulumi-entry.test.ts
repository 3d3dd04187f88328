import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";

/** Runs a script in a fresh Node process (the CLI's language host starts one per program). */
function node(cwd: string, script: string): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" });
  return { stdout: result.stdout, stderr: result.stderr };
}

describe("the Pulumi CLI's way into the program", function () {
  this.timeout(60000);

  // Type checks are tsc's job (`npm test` runs it once over index.ts, components/, policy/ with the same
  // tsconfig.json); these tests load the program and the pack the CLI's way, transpile-only, so that
  // a setting ts-node refuses (TypeScript 6 wants rootDir beside outDir, say) still fails here.
  it("ts-node (what `pulumi preview` uses for a TypeScript project) loads index.ts with the project's tsconfig", () => {
    const script =
      'require("ts-node").register({ transpileOnly: true }); const program = require("./index.ts"); process.stdout.write(typeof program);';
    const result = node(PROJECT_ROOT, script);
    expect(result.stderr).to.equal("");
    expect(result.stdout).to.equal("function");
  });

  it("the policy pack compiles as `pulumi preview --policy-pack policy` compiles it: inside policy/, with policy/tsconfig.json", () => {
    // What @pulumi/pulumi's cmd/run-policy-pack does: the tsconfig.json of the working directory
    // (policy/), its compilerOptions over the CLI's own defaults, type checks on.
    const script = `
      const tsutils = require("@pulumi/pulumi/tsutils");
      const fs = require("node:fs");
      const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
      const service = require(tsnodeRequire).register({
        transpileOnly: true,
        skipProject: !fs.existsSync("tsconfig.json"),
        compiler: typescriptRequire,
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...tsutils.loadTypeScriptCompilerOptions("tsconfig.json") },
      });
      // index.ts only constructs the PolicyPack (which would start a server): compile, do not run.
      service.compile(fs.readFileSync("index.ts", "utf8"), require("node:path").resolve("index.ts"));
      const { strict, noUnusedLocals } = service.config.options;
      process.stdout.write(JSON.stringify({ policies: typeof require("./policies.ts").policies, strict, noUnusedLocals }));
    `;
    const result = node(path.join(PROJECT_ROOT, "policy"), script);
    expect(result.stderr).to.equal("");
    // The project's checks apply to the pack too, not the CLI's lenient defaults.
    expect(JSON.parse(result.stdout)).to.deep.equal({ policies: "object", strict: true, noUnusedLocals: true });
  });

  it("the TypeScript toolchain the CLI needs comes with the production dependencies, and .node-version says 24", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    // Without them in `dependencies`, `npm ci --omit=dev` leaves the CLI with the TypeScript 3.8
    // bundled in @pulumi/pulumi, which rejects this project's settings.
    expect(Object.keys(pkg.dependencies!)).to.include.members(["typescript", "ts-node", "@types/node"]);
    expect(Object.keys(pkg.devDependencies!)).to.not.include.members(["typescript", "ts-node", "@types/node"]);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, ".node-version"), "utf8").trim()).to.equal("24");
    const policyConfig = fs.readFileSync(path.join(PROJECT_ROOT, "policy", "tsconfig.json"), "utf8");
    expect(policyConfig).to.match(/"extends":\s*"\.\.\/tsconfig\.json"/);
  });
});
