import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { key } from "../../../components/config/keys";
import { configSchema } from "../../../components/program-config";
import { policies } from "../../../policy/policies";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import { referencePages } from "../../../tools/docs/pages";
import { configurationReference, policyReference } from "../../../tools/docs/reference";

describe("generated reference pages (run `npm run golden` after an intended change)", () => {
  for (const [file, content] of referencePages()) {
    it(`${file} matches the code it is generated from`, () => {
      const onDisk = path.join(PROJECT_ROOT, file);
      expect(fs.existsSync(onDisk), `${file} is missing`).to.equal(true);
      expect(fs.readFileSync(onDisk, "utf8")).to.equal(content);
    });
  }

  it("the configuration reference has one row per key of the schema", () => {
    const page = configurationReference(configSchema, {});
    for (const name of Object.keys(configSchema)) expect(page).to.include(`| \`smartem:${name}\` |`);
    expect(page.split("\n").filter((line) => line.startsWith("| `smartem:"))).to.have.length(Object.keys(configSchema).length);
  });

  it("a row says the type, default, allowed values and which stacks set the key", () => {
    const schema = {
      replicas: key({ schema: z.number().int().default(2), description: "How many.", allowed: "1 | 2" }),
      token: key({ schema: z.string(), secret: true, description: "A token.", allowed: "text" }),
    };
    const page = configurationReference(schema, { staging: ["smartem:replicas"], dev: [] });
    expect(page).to.include("| `smartem:replicas` | integer | `2` | 1 \\| 2 | staging | How many. |");
    expect(page).to.include("| `smartem:token` | string, secret | required | text | none | A token. |");
  });

  it("the policy reference lists every policy of the pack with its enforcement level", () => {
    const page = policyReference(policies);
    for (const p of policies) expect(page).to.include(`| \`${p.name}\` | ${p.enforcementLevel} |`);
  });
});
