import { expect } from "chai";
import { PythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import {
  DEFAULT_STABLE_TAG_CREATORS,
  TagRuleset,
  immutableTagsRuleset,
  legacyTagsRuleset,
  packageTagRulesets,
  rulesetsForTag,
  stableTagCreationRuleset,
} from "../../components/release/tag-rules";
import { tagForVersion, versionFromTag } from "../../components/version/version";

const SMARTEM: PythonPackage = { ...SMARTEM_DECISIONS, paths: [...SMARTEM_DECISIONS.paths] };
const EPUPLAYER: PythonPackage = {
  ...SMARTEM,
  name: "epuplayer",
  tagPrefix: "epuplayer-v",
  workflowFile: "release-epuplayer.yml",
};

const rulesets: TagRuleset[] = [
  ...packageTagRulesets(SMARTEM, DEFAULT_STABLE_TAG_CREATORS),
  ...packageTagRulesets(EPUPLAYER, DEFAULT_STABLE_TAG_CREATORS),
  legacyTagsRuleset("smartem-decisions", ["v[0-9]*", "test-v[0-9]*"]),
];

/** ruleset name -> the rules it enforces on the tag. */
function coverage(tag: string): Record<string, string[]> {
  return Object.fromEntries(rulesetsForTag(rulesets, tag).map((r) => [r.name, Object.keys(r.rules).sort()]));
}

const IMMUTABLE = ["deletion", "nonFastForward", "update"];
const SD_IMMUTABLE = "smartem-decisions-release-tags-immutable";
const SD_CREATION = "smartem-decisions-stable-tag-creation";

describe("tag rulesets", () => {
  describe("which ruleset and rule covers each tag", () => {
    const table: Array<[kind: string, tag: string, expected: Record<string, string[]>]> = [
      ["stable", "smartem-decisions-v0.1.0", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["stable", "smartem-decisions-v1.2.10", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["stable, epoch", "smartem-decisions-v1!2.0.0", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["rc", "smartem-decisions-v0.1.1rc52", { [SD_IMMUTABLE]: IMMUTABLE }],
      ["rc", "smartem-decisions-v0.1.1rc6", { [SD_IMMUTABLE]: IMMUTABLE }],
      ["rc, two-part", "smartem-decisions-v0.1rc2", { [SD_IMMUTABLE]: IMMUTABLE }],
      ["dev of an rc", "smartem-decisions-v0.1.1rc1.dev2", { [SD_IMMUTABLE]: IMMUTABLE }],
      ["dev", "smartem-decisions-v1.0.0.dev3", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["alpha", "smartem-decisions-v1.0.0a1", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["beta", "smartem-decisions-v1.0.0b2", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["post", "smartem-decisions-v1.0.0.post1", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["not a version", "smartem-decisions-vlatest", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["word with rc", "smartem-decisions-vsource", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["with a slash", "smartem-decisions-v1.0.0/fix", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["rc with a slash", "smartem-decisions-v1.0.0rc1/x", { [SD_IMMUTABLE]: IMMUTABLE, [SD_CREATION]: ["creation"] }],
      ["legacy", "v0.0.1", { "legacy-release-tags-immutable": IMMUTABLE }],
      ["legacy", "v0.0.4", { "legacy-release-tags-immutable": IMMUTABLE }],
      ["legacy", "test-v0.0.1", { "legacy-release-tags-immutable": IMMUTABLE }],
      ["legacy", "test-v0.0.2", { "legacy-release-tags-immutable": IMMUTABLE }],
      [
        "other package, stable",
        "epuplayer-v1.0.0",
        { "epuplayer-release-tags-immutable": IMMUTABLE, "epuplayer-stable-tag-creation": ["creation"] },
      ],
      ["other package, rc", "epuplayer-v1.0.1rc3", { "epuplayer-release-tags-immutable": IMMUTABLE }],
      ["unrelated", "nightly", {}],
      ["unrelated, prefix-like", "smartem-decisions-0.1.0", {}],
    ];
    for (const [kind, tag, expected] of table) {
      it(`${kind}: ${tag}`, () => expect(coverage(tag)).to.deep.equal(expected));
    }
  });

  describe("cross-check with the version model", () => {
    const releases = ["0.1.0", "0.1", "1.0.0", "2.10.3", "1!1.0.0", "10.0.0"];
    const suffixes = ["", "a1", "b2", "rc1", "rc52", ".dev3", "rc1.dev2", ".post1", "a1.post2.dev3", "+local.1", "rc1+rc"];
    const tags = releases.flatMap((r) => suffixes.map((s) => `${SMARTEM.tagPrefix}${r}${s}`));

    it("every generated tag is a canonical version of the package", () => {
      for (const tag of tags) expect(versionFromTag(SMARTEM.tagPrefix, tag), tag).to.not.equal(null);
    });

    it("every release tag is immutable", () => {
      for (const tag of tags) expect(coverage(tag), tag).to.have.property(SD_IMMUTABLE);
    });

    it("every stable tag is creation-restricted, no rc tag is", () => {
      let stable = 0;
      let rc = 0;
      for (const tag of tags) {
        const version = versionFromTag(SMARTEM.tagPrefix, tag)!;
        const restricted = SD_CREATION in coverage(tag);
        if (version.kind === "final") {
          stable++;
          expect(restricted, `${tag} (final) must be creation-restricted`).to.equal(true);
        }
        if (version.kind === "prerelease" && version.pre?.[0] === "rc") {
          rc++;
          expect(restricted, `${tag} (rc) must stay creatable by the workflow`).to.equal(false);
        }
      }
      expect(stable).to.equal(releases.length);
      expect(rc).to.equal(2 * releases.length);
    });

    it("the tags the workflow creates (X.Y.ZrcN) are never creation-restricted", () => {
      for (let n = 0; n < 120; n++) {
        const tag = tagForVersion(SMARTEM.tagPrefix, `0.${n % 7}.${n}rc${n}`);
        expect(coverage(tag), tag).to.not.have.property(SD_CREATION);
      }
    });
  });

  it("the immutable ruleset has no bypass actor and blocks deletion, update and non-fast-forward", () => {
    const r = immutableTagsRuleset(SMARTEM);
    expect(r.bypassActors).to.deep.equal([]);
    expect(r.rules).to.deep.equal({ deletion: true, update: true, nonFastForward: true });
    expect(r.target).to.equal("tag");
    expect(r.enforcement).to.equal("active");
    expect(r.conditions.refName.excludes).to.deep.equal([]);
  });

  it("the creation ruleset lets exactly the configured actors create stable tags", () => {
    const team = { actorType: "Team", actorId: 42, bypassMode: "always" } as const;
    expect(stableTagCreationRuleset(SMARTEM, [team]).bypassActors).to.deep.equal([team]);
    expect(stableTagCreationRuleset(SMARTEM, DEFAULT_STABLE_TAG_CREATORS).bypassActors.map((a) => a.actorId)).to.deep.equal([
      2, 5,
    ]);
  });
});
