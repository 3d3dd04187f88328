import { expect } from "chai";
import * as YAML from "yaml";
import { setImageDigest } from "../../../tools/bump/image-digest-edit";
import { StackFileEditError } from "../../../tools/bump/stack-file-edit";
import { KEY } from "../../../components/program-config";

const VERSION_KEY = KEY.backendVersion;
const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

const FILE = `# header
config:
  # the pin
  smartem:backendVersion: 0.2.0    # moved by npm run bump
  smartem:packages: [{name: smartem-decisions}]
  smartem:note: >-
    folded
`;

describe("stack file edit: one version's image digest", () => {
  it("adds the map right after smartem:backendVersion, quoting the version, and touches nothing else", () => {
    expect(setImageDigest(FILE, "0.2.0", A, VERSION_KEY)).to.equal(
      FILE.replace("# moved by npm run bump\n", `# moved by npm run bump\n  smartem:backendImageDigests:\n    "0.2.0": ${A}\n`),
    );
  });

  it("quotes a version YAML would read as a number (1.0 is not 1)", () => {
    const edited = setImageDigest(FILE, "1.0", A, VERSION_KEY);
    expect(YAML.parse(edited).config[KEY.backendImageDigests]).to.deep.equal({ "1.0": A });
  });

  it("replaces the digest of a listed version in place, comments and other versions kept", () => {
    const text = FILE.replace(
      "  smartem:packages",
      `  smartem:backendImageDigests:\n    0.1.0: ${B}  # old bytes\n    "0.2.0": ${B}\n  smartem:packages`,
    );
    expect(setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.equal(text.replace(`"0.2.0": ${B}`, `"0.2.0": ${A}`));
    expect(setImageDigest(text, "0.1.0", A, VERSION_KEY)).to.equal(text.replace(`0.1.0: ${B}`, `0.1.0: ${A}`));
  });

  it("appends a new version under the last entry, at the entries' indentation", () => {
    const text = FILE.replace(
      "  smartem:packages",
      `  smartem:backendImageDigests:\n      "0.1.0": ${B} # old\n  smartem:packages`,
    );
    expect(setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.equal(text.replace(`# old\n`, `# old\n      "0.2.0": ${A}\n`));
  });

  it("writes a flow map back as a flow map", () => {
    const text = FILE.replace("  smartem:packages", `  smartem:backendImageDigests: { "0.1.0": ${B} }\n  smartem:packages`);
    expect(setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.contain(
      `smartem:backendImageDigests: { "0.1.0": ${B}, "0.2.0": ${A} }\n`,
    );
    const empty = FILE.replace("  smartem:packages", `  smartem:backendImageDigests: {}\n  smartem:packages`);
    expect(YAML.parse(setImageDigest(empty, "0.2.0", A, VERSION_KEY)).config[KEY.backendImageDigests]).to.deep.equal({
      "0.2.0": A,
    });
  });

  it("refuses a value that is not a map, naming the key and the way to write it", () => {
    const text = FILE.replace("  smartem:packages", `  smartem:backendImageDigests: '{"0.1.0": "${B}"}'\n  smartem:packages`);
    expect(() => setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.throw(
      StackFileEditError,
      /config.smartem:backendImageDigests is not a YAML map/,
    );
  });

  it("refuses, naming the version, a splice that would not change exactly that one entry (a digest written as a block scalar)", () => {
    const text = FILE.replace(
      "  smartem:packages",
      `  smartem:backendImageDigests:\n    "0.2.0": >-\n      ${B}\n  smartem:packages`,
    );
    expect(() => setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.throw(
      StackFileEditError,
      /could not record 0\.2\.0's digest in config\.smartem:backendImageDigests in place; edit it by hand/,
    );
  });

  it("adds the map at the end of a file without a final newline", () => {
    const text = "config:\n  smartem:backendVersion: 0.2.0";
    expect(setImageDigest(text, "0.2.0", A, VERSION_KEY)).to.equal(
      `${text}\n  smartem:backendImageDigests:\n    "0.2.0": ${A}\n`,
    );
  });
});
