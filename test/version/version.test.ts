import { expect } from "chai";
import {
  VersionError,
  assertDeployable,
  compareVersions,
  imageTagForVersion,
  parseVersion,
  requirement,
  tagForVersion,
  versionFromTag,
} from "../../components/version/version";

const PREFIX = "smartem-decisions-v";

describe("version model (PEP 440)", () => {
  describe("classification", () => {
    const table: Array<[string, string]> = [
      ["0.1.0", "final"],
      ["1.2.3", "final"],
      ["0.1.1rc52", "prerelease"],
      ["0.1rc2", "prerelease"],
      ["1.0.0a1", "prerelease"],
      ["1.0.0b2", "prerelease"],
      ["1.0.0.dev3", "dev"],
      ["1.0.0rc1.dev2", "dev"],
      ["1.0.0.post1", "post"],
      ["1.2.3+local", "local"],
      ["1.2.3rc1+abc.5", "local"],
      // A local version of a dev or post release is first of all local.
      ["1.0.0.dev3+abc", "local"],
      ["1.0.0.post1+abc", "local"],
    ];
    for (const [text, kind] of table) {
      it(`${text} is ${kind}`, () => expect(parseVersion(text).kind).to.equal(kind));
    }
  });

  describe("canonical form is required", () => {
    const table: Array<[string, RegExp]> = [
      ["v1.2.3", /canonical.*"1\.2\.3"/],
      ["01.2.3", /canonical.*"1\.2\.3"/],
      ["1.0.0-rc1", /canonical.*"1\.0\.0rc1"/],
      ["1.0.0RC1", /canonical.*"1\.0\.0rc1"/],
      ["latest", /not a PEP 440 version/],
      ["", /not a PEP 440 version/],
      ["1.2.3.", /not a PEP 440 version/],
      ["1.2.3+ABC-5", /canonical.*"1\.2\.3\+abc\.5"/],
    ];
    for (const [text, message] of table) {
      it(`rejects ${JSON.stringify(text)}`, () => expect(() => parseVersion(text)).to.throw(VersionError, message));
    }
  });

  describe("ordering matches Python's packaging", () => {
    const ascending = [
      "0.0.1",
      "0.1rc2",
      "0.1.0",
      "0.1.1.dev1",
      "0.1.1a1",
      "0.1.1b1",
      "0.1.1rc6",
      "0.1.1rc9",
      "0.1.1rc10",
      "0.1.1rc52",
      "0.1.1",
      "0.1.1.post1",
      "0.2.0",
      "1.0.0",
    ];
    for (let i = 1; i < ascending.length; i++) {
      it(`${ascending[i - 1]} < ${ascending[i]}`, () => {
        expect(compareVersions(ascending[i - 1], ascending[i])).to.be.lessThan(0);
        expect(compareVersions(ascending[i], ascending[i - 1])).to.be.greaterThan(0);
      });
    }
    it("0.1rc2 equals 0.1.0rc2 (trailing zeros)", () => expect(compareVersions("0.1rc2", "0.1.0rc2")).to.equal(0));
  });

  describe("deployable subset", () => {
    for (const ok of ["0.1.0", "0.1.1rc52", "2.0.0a3", "10.20.30b4"]) {
      it(`accepts ${ok}`, () => expect(assertDeployable(ok).text).to.equal(ok));
    }
    const refused: Array<[string, RegExp]> = [
      ["1.0.0.dev3", /dev version/],
      ["1.0.0.post1", /post version/],
      ["1.2.3+local", /local version/],
      ["0.1rc2", /exactly three release numbers/],
      ["1.2.3.4", /exactly three release numbers/],
      ["1!1.2.3", /no epoch/],
    ];
    for (const [text, message] of refused) {
      it(`refuses ${text}`, () => expect(() => assertDeployable(text)).to.throw(VersionError, message));
    }
  });

  describe("tags, image tags and requirements", () => {
    it("maps a version to its tag and back", () => {
      expect(tagForVersion(PREFIX, "0.1.1rc52")).to.equal("smartem-decisions-v0.1.1rc52");
      expect(versionFromTag(PREFIX, "smartem-decisions-v0.1.1rc52")?.text).to.equal("0.1.1rc52");
    });
    const historic: Array<[string, string | null, string | null]> = [
      ["v0.0.1", null, null],
      ["v0.0.4", null, null],
      ["test-v0.0.1", null, null],
      ["test-v0.0.2", null, null],
      ["smartem-decisions-v0.1.0", "0.1.0", "final"],
      ["smartem-decisions-v0.1rc2", "0.1rc2", "prerelease"],
      ["smartem-decisions-v0.1.1rc6", "0.1.1rc6", "prerelease"],
      ["smartem-decisions-v0.1.1rc52", "0.1.1rc52", "prerelease"],
      ["smartem-decisions-v01.2.3", null, null],
      ["smartem-decisions-vlatest", null, null],
      ["epuplayer-v1.0.0", null, null],
    ];
    for (const [tag, version, kind] of historic) {
      it(`${tag} -> ${version ?? "not a release of smartem-decisions"}`, () => {
        const parsed = versionFromTag(PREFIX, tag);
        expect(parsed?.text ?? null).to.equal(version);
        expect(parsed?.kind ?? null).to.equal(kind);
      });
    }
    it("image tags are the version and never carry '+'", () => {
      expect(imageTagForVersion("0.1.1rc52")).to.equal("0.1.1rc52");
      expect(() => imageTagForVersion("0.1.1+abc")).to.throw(VersionError);
    });
    it("pins the package with extras", () => {
      expect(requirement("smartem-decisions", "0.1.1", ["backend"])).to.equal("smartem-decisions[backend]==0.1.1");
      expect(requirement("smartem-decisions", "0.1.1")).to.equal("smartem-decisions==0.1.1");
    });
  });
});
