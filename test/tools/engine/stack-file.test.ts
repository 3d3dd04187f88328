import { expect } from "chai";
import { OFFLINE_SECRET_PLACEHOLDER, listStacks, parseStackFile, readStackFile } from "../../../tools/engine/stack-file";
import { KEY } from "../../../components/program-config";

describe("stack files", () => {
  it("passes values as text, structured values as JSON, like the Pulumi CLI", () => {
    const file = parseStackFile(
      "x",
      "config:\n  smartem:apiReplicas: 3\n  smartem:flag: true\n  smartem:list:\n    - a\n  smartem:name: n\n",
    );
    expect(file.config).to.deep.equal({
      [KEY.apiReplicas]: "3",
      "smartem:flag": "true",
      "smartem:list": '["a"]',
      "smartem:name": "n",
    });
  });

  it("turns encrypted values into a secret placeholder that cannot be read offline", () => {
    const file = parseStackFile("x", "config:\n  smartem:databasePassword:\n    secure: v1:AAAABBBB\n");
    expect(file.config[KEY.databasePassword]).to.equal(OFFLINE_SECRET_PLACEHOLDER);
    expect(file.secretKeys).to.deep.equal([KEY.databasePassword]);
  });

  it("names the file and line of a value the CLI would pass as another text", () => {
    expect(() => parseStackFile("dev", "config:\n  smartem:backendVersion: 0.1.1\n  smartem:apiReplicas: 0x10\n")).to.throw(
      /^Invalid stack file Pulumi\.dev\.yaml:\n {2}- Pulumi\.dev\.yaml:3: smartem:apiReplicas = 0x10: the Pulumi CLI passes this as "16", not as written; allowed: an integer from 0 to 50/,
    );
  });

  it("never echoes a secret key's value, even written in clear in a form the CLI changes", () => {
    expect(() => parseStackFile("x", "config:\n  smartem:databasePassword: 0x1234567890abcdef\n"))
      .to.throw(/smartem:databasePassword = \[secret\]: the Pulumi CLI passes this as another text/)
      .and.not.to.match(/1234567890/);
  });

  it("marks a key secret when a secure value sits inside its structure, as the CLI does", () => {
    const file = parseStackFile("x", "config:\n  smartem:k:\n    b: [1, {secure: v1:AAAA}]\n    a: x\n");
    expect(file.secretKeys).to.deep.equal(["smartem:k"]);
    expect(file.config["smartem:k"]).to.equal(`{"a":"x","b":[1,"${OFFLINE_SECRET_PLACEHOLDER}"]}`);
  });

  it("reads the same text the same way every time, whatever an earlier reader did with its values", () => {
    // Reads are cached and shared: a caller that changed its copy would change every later read.
    const text = "config:\n  smartem:name: n\n  smartem:list:\n    - a\n";
    const first = parseStackFile("x", text);
    try {
      (first.config as Record<string, string>)["smartem:name"] = "changed";
      (first.secretKeys as string[]).push("smartem:name");
    } catch {
      // Refused outright: as good.
    }
    const again = parseStackFile("x", text);
    expect(again.config).to.deep.equal({ "smartem:name": "n", "smartem:list": '["a"]' });
    expect(again.secretKeys).to.deep.equal([]);
  });

  it("lists the checked-in stacks", () => {
    expect(listStacks()).to.include.members(["dev", "staging", "production"]);
  });

  it("names the stacks that exist when asked for one that does not", () => {
    expect(() => readStackFile("nope")).to.throw(/--stack nope: no Pulumi\.nope\.yaml; the stacks here are: .*dev/);
    expect(() => readStackFile("../etc")).to.throw(/a stack name has only/);
  });
});
