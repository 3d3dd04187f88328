import { expect } from "chai";
import * as fs from "node:fs";
import { StackFileEditError, setConfigValue } from "../../../tools/bump/stack-file-edit";
import { listStacks, stackFilePath } from "../../../tools/engine/stack-file";
import { thrown } from "../../support/refusals";

const KEY = "smartem:backendVersion";

/** A stack file with every layout feature `doc.toString()` would have reformatted. */
const TRICKY = `# Header comment
#   indented comment text

config:
  # the pin, moved by npm run bump
  smartem:backendVersion: 0.1.0    # trailing comment, two spaces kept
  smartem:packages: [{name: smartem-decisions, repository: smartem-decisions}]

  smartem:secretThing:   {secure: v1:AAAABBBB}
  smartem:note: >-
    folded
    text
  smartem:other: "0.1.0"
`;

describe("stack file edit (one value, layout kept)", () => {
  it("changes only the value's bytes: comments, blank lines, flow maps, folded text and the same text elsewhere survive", () => {
    const edited = setConfigValue(TRICKY, KEY, "0.2.0rc3");
    const at = TRICKY.indexOf("smartem:backendVersion: 0.1.0") + "smartem:backendVersion: ".length;
    expect(edited).to.equal(TRICKY.slice(0, at) + "0.2.0rc3" + TRICKY.slice(at + "0.1.0".length));
  });

  it("keeps the value's quoting style", () => {
    const doubled = TRICKY.replace(`${KEY}: 0.1.0`, `${KEY}: "0.1.0"`);
    expect(setConfigValue(doubled, KEY, "0.2.0")).to.contain(`${KEY}: "0.2.0"    # trailing`);
    const single = TRICKY.replace(`${KEY}: 0.1.0`, `${KEY}: '0.1.0'`);
    expect(setConfigValue(single, KEY, "0.2.0")).to.contain(`${KEY}: '0.2.0'    # trailing`);
  });

  it("quotes a plain value YAML would not read back as the same string", () => {
    expect(setConfigValue(TRICKY, KEY, "1.0")).to.contain(`${KEY}: "1.0"    # trailing`);
  });

  it("refuses a key the file does not set, and a file that is not YAML", () => {
    expect(() => setConfigValue("config:\n  smartem:namespace: x\n", KEY, "0.2.0")).to.throw(
      StackFileEditError,
      /smartem:backendVersion/,
    );
    expect(() => setConfigValue("config: [", KEY, "0.2.0", "Pulumi.x.yaml")).to.throw(
      StackFileEditError,
      /^Pulumi\.x\.yaml line 1: .*; fix the YAML first$/,
    );
  });

  it("says what is wrong in the reader's words: file and line, no parser class, code or code frame", () => {
    const cases: [string, RegExp][] = [
      [`config:\n  ${KEY}: 0.1.0\n  ${KEY}: 0.1.1\n`, /^Pulumi\.x\.yaml line 3: Map keys must be unique; fix the YAML first$/],
      [`config:\n\t${KEY}: 0.1.0\n`, /^Pulumi\.x\.yaml line 2: Tabs are not allowed as indentation; fix the YAML first$/],
      [
        `config:\n  ${KEY}: 0.1.0\n---\nconfig: {}\n`,
        /^Pulumi\.x\.yaml line 3: a second YAML document starts here \(---\); a stack file is one document; fix the YAML first$/,
      ],
      [
        `config:\n  ${KEY}: >-\n    0.1.0\n`,
        /^config\.smartem:backendVersion in Pulumi\.x\.yaml is written as a folded block \(>\); write it on one line/,
      ],
      [`config:\n  ${KEY}: |\n    0.1.0\n`, /is written as a literal block \(\|\)/],
    ];
    for (const [text, message] of cases) {
      const error = thrown(() => setConfigValue(text, KEY, "0.2.0", "Pulumi.x.yaml"));
      expect(error, text).to.be.instanceOf(StackFileEditError);
      const said = error.message;
      expect(said, text).to.match(message);
      expect(said, text).to.not.match(/YAML(Parse)?Error|BLOCK_|DUPLICATE_KEY|parseAllDocuments|\^|column/);
    }
  });

  for (const stack of listStacks()) {
    it(`rewrites Pulumi.${stack}.yaml byte-for-byte except the version (in memory)`, () => {
      const text = fs.readFileSync(stackFilePath(stack), "utf8");
      const edited = setConfigValue(text, KEY, "9.9.9");
      const before = text.split("\n");
      const after = edited.split("\n");
      expect(after).to.have.length(before.length);
      const changed = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
      expect(changed).to.have.length(1);
      expect(changed[0]?.[1]).to.match(/^ {2}smartem:backendVersion: 9\.9\.9$/);
    });
  }
});
