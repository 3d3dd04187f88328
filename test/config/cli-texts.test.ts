/**
 * The offline stack-file reader against the Pulumi CLI's own loader. cli-texts.json holds
 * stack files with what the CLI (pulumi sdk v3.276.0, measured by ./cli-oracle) hands the
 * program for each, or the error it stops with. Our reader must pass exactly the CLI's text
 * or refuse the file; `accept` says which of the two we intend.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../components/config/keys";
import { parseStackFile } from "../../tools/engine/stack-file";

export interface CliCase {
  readonly text: string;
  /** Whether our reader accepts the file (it then must pass the CLI's texts). */
  readonly accept: boolean;
  /** What the CLI passes (`config`), or the error it stops with. */
  readonly cli?: { readonly config?: Readonly<Record<string, string>>; readonly error?: string };
}

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, "cli-texts.json"), "utf8")) as CliCase[];

describe("stack files are read as the Pulumi CLI reads them (cli-texts.json)", () => {
  it("has measured answers for every case", () => {
    expect(cases.filter((c) => !c.cli)).to.deep.equal([]);
    expect(cases.filter((c) => c.accept).length).to.be.greaterThan(40);
    expect(cases.filter((c) => !c.accept).length).to.be.greaterThan(60);
  });

  for (const c of cases) {
    const title = JSON.stringify(c.text).slice(0, 90);
    if (c.accept) {
      it(`passes what the CLI passes: ${title}`, () => {
        expect(c.cli?.error, "the CLI refuses it, so must we").to.equal(undefined);
        // Secure values cannot be decrypted by either; the CLI's NopDecrypter gives the ciphertext.
        const file = parseStackFile("x", c.text);
        const cli = { ...c.cli!.config };
        for (const key of file.secretKeys) cli[key] = file.config[key]!;
        expect(file.config).to.deep.equal(cli);
      });
    } else {
      it(`refuses: ${title}`, () => {
        expect(() => parseStackFile("x", c.text)).to.throw(ConfigError, /allowed: /);
      });
    }
  }
});
