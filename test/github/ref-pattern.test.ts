import { expect } from "chai";
import {
  RefPatternError,
  assertSupportedRefPattern,
  conditionApplies,
  matchesRefPattern,
} from "../../components/github/ref-pattern";

describe("GitHub ref patterns (File.fnmatch with FNM_PATHNAME)", () => {
  const table: Array<[pattern: string, ref: string, matches: boolean]> = [
    // `*` matches any run of characters, but never `/`
    ["refs/tags/v*", "refs/tags/v0.0.1", true],
    ["refs/tags/v*", "refs/tags/v", true],
    ["refs/tags/v*", "refs/tags/v1/extra", false],
    ["refs/tags/*", "refs/tags/anything", true],
    ["refs/tags/*", "refs/heads/main", false],
    ["refs/tags/v*", "refs/tags/test-v0.0.1", false],
    // `?` is one character, never `/`
    ["refs/tags/v?.0", "refs/tags/v1.0", true],
    ["refs/tags/v?.0", "refs/tags/v10.0", false],
    ["refs/tags/a?b", "refs/tags/a/b", false],
    // sets and ranges
    ["refs/tags/v[0-9]*", "refs/tags/v0.0.1", true],
    ["refs/tags/v[0-9]*", "refs/tags/vfoo", false],
    ["refs/tags/[ab]x", "refs/tags/bx", true],
    ["refs/tags/[ab]x", "refs/tags/cx", false],
    // `**/` as a whole segment spans zero or more segments; elsewhere `**` is `*`
    ["refs/tags/p*/**/*", "refs/tags/p1/x", true],
    ["refs/tags/p*/**/*", "refs/tags/p1/x/y/z", true],
    ["refs/tags/p*/**/*", "refs/tags/p1", false],
    ["refs/**/*", "refs/tags/a/b", true],
    ["refs/tags/qa**", "refs/tags/qa/foo", false],
    ["refs/tags/qa**", "refs/tags/qafoo", true],
    // everything else is literal, dots included
    ["refs/tags/v1.0", "refs/tags/v1x0", false],
    ["refs/tags/a+b", "refs/tags/a+b", true],
    ["refs/tags/a+b", "refs/tags/aab", false],
    // case-sensitive, like git refs
    ["refs/tags/V*", "refs/tags/v1", false],
  ];
  for (const [pattern, ref, matches] of table) {
    it(`${pattern} ${matches ? "matches" : "does not match"} ${ref}`, () => {
      expect(matchesRefPattern(pattern, ref)).to.equal(matches);
    });
  }

  describe("syntax GitHub does not support is refused", () => {
    const refused: Array<[string, RegExp]> = [
      ["", /empty/],
      ["refs/tags/a\\*", /quoting/],
      ["refs/tags/[^a]*", /complemented/],
      ["refs/tags/[!a]*", /complemented/],
      ["refs/tags/{a,b}*", /braces/],
      ["refs/tags/[a-z", /unclosed/],
      ["refs/tags/[]", /empty character set/],
      ["refs/tags/[a/b]", /never matches '\/'/],
      ["refs/tags/a b", /never allows/],
      ["refs/tags/a..b", /never allows/],
    ];
    for (const [pattern, message] of refused) {
      it(JSON.stringify(pattern), () => {
        expect(() => assertSupportedRefPattern(pattern)).to.throw(RefPatternError, message);
        expect(() => matchesRefPattern(pattern, "refs/tags/a")).to.throw(RefPatternError);
      });
    }
  });

  it("a condition applies when some include matches and no exclude does", () => {
    const condition = { includes: ["refs/tags/p*"], excludes: ["refs/tags/p*rc*"] };
    expect(conditionApplies(condition, "refs/tags/p1.0")).to.equal(true);
    expect(conditionApplies(condition, "refs/tags/p1.0rc1")).to.equal(false);
    expect(conditionApplies({ includes: [], excludes: [] }, "refs/tags/p1.0")).to.equal(false);
  });
});
