import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { presenceOf, projectFile } from "../../../tools/engine/project-file";
import { configSchema } from "../../../components/program-config";
import { PROJECT_ROOT, listStacks, stackFilePath } from "../../../tools/engine/stack-file";
import { PROJECT } from "../../../components/shared/project";

describe("Pulumi.yaml", () => {
  const onDisk = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
  const doc = YAML.parse(onDisk) as { name: string; runtime: { name: string }; config: Record<string, Record<string, unknown>> };

  it("is the one generated from the config schema (run `npm run golden` after changing a key)", () => {
    expect(onDisk).to.equal(projectFile(configSchema));
  });

  it("declares each key that is required or has a default, typed where Pulumi can type it", () => {
    const declared = Object.keys(configSchema).filter(
      (name) => presenceOf(configSchema[name as keyof typeof configSchema]) !== "optional",
    );
    expect(Object.keys(doc.config).sort()).to.deep.equal(declared.sort());
    expect(doc.config.backendVersion).to.include({ type: "string" });
    expect(doc.config.backendVersion).to.not.have.property("default");
    expect(doc.config.apiReplicas).to.include({ type: "integer", default: 1 });
    expect(doc.config).to.not.have.property("kubeContext");
  });

  // What the Pulumi CLI checks before it runs the program (mergeConfig in its workspace
  // package): every declared key without a default must be set by the stack, and a typed
  // key's value must have that type.
  for (const stack of listStacks()) {
    it(`the CLI would accept Pulumi.${stack}.yaml against it`, () => {
      const stackConfig = (YAML.parse(fs.readFileSync(stackFilePath(stack), "utf8")) as { config: Record<string, unknown> })
        .config;
      for (const [name, declaration] of Object.entries(doc.config)) {
        const value = stackConfig[`smartem:${name}`];
        if (value === undefined) {
          expect(declaration, `${stack} is missing configuration value '${name}'`).to.have.property("default");
          continue;
        }
        const expected = { string: "string", integer: "number", boolean: "boolean", array: "object" }[String(declaration.type)];
        if (expected)
          expect(typeof value, `${stack}: smartem:${name} must be of type ${String(declaration.type)}`).to.equal(expected);
      }
    });
  }
  it("only types keys of the project's own namespace (the CLI refuses the file otherwise)", () => {
    expect(doc.name).to.equal(PROJECT);
    for (const k of Object.keys(doc.config)) expect(k, "typed keys are written unqualified").to.not.contain(":");
  });

  it("is a TypeScript nodejs project", () => {
    expect(doc.runtime.name).to.equal("nodejs");
  });
});
