import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { projectFile } from "../../components/config/project-file";
import { configSchema } from "../../components/config/schema";
import { PROJECT_ROOT } from "../../components/engine/stack-file";

describe("Pulumi.yaml", () => {
  const onDisk = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
  const doc = YAML.parse(onDisk) as { name: string; runtime: { name: string }; config: Record<string, Record<string, unknown>> };

  it("is the one generated from the config schema (run `npm run golden` after changing a key)", () => {
    expect(onDisk).to.equal(projectFile(configSchema));
  });

  it("declares every smartem: key, typed where Pulumi can type it", () => {
    expect(Object.keys(doc.config).sort()).to.deep.equal(Object.keys(configSchema).sort());
    expect(doc.config.backendVersion).to.include({ type: "string" });
    expect(doc.config.backendVersion).to.not.have.property("default");
    expect(doc.config.apiReplicas).to.include({ type: "integer", default: 1 });
  });

  it("only types keys of the project's own namespace (the CLI refuses the file otherwise)", () => {
    expect(doc.name).to.equal("smartem");
    for (const k of Object.keys(doc.config)) expect(k, "typed keys are written unqualified").to.not.contain(":");
  });

  it("is a TypeScript nodejs project", () => {
    expect(doc.runtime.name).to.equal("nodejs");
  });
});
