/**
 * The promotion guard on evidence and soak time (guards.ts): a pure function of the version,
 * the digest pinned here, the source's recorded evidence, the soak time and the time of the run.
 */
import { expect } from "chai";
import {
  PromotionEvidenceFacts,
  VersionGuardFacts,
  checkVersionGuards,
  formatDuration,
  promotionOverrideWarning,
} from "../../components/backend/guards";
import { PromotionEvidence, readEvidence } from "../../components/backend/promotion-evidence";
import { KEY } from "../../components/program-config";

const STAGING = "organization/smartem/staging";
const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;
const ROLLED_OUT = "2026-12-02T10:00:00Z";
const hoursAfter = (hours: number, minutes = 0): Date => new Date(Date.parse(ROLLED_OUT) + (hours * 60 + minutes) * 60_000);

const proved: PromotionEvidence = { version: "0.2.0", rolledOutAt: ROLLED_OUT, migration: "completed", rollout: "available" };

/** Production moving from 0.1.0 to 0.2.0, which staging runs, with this evidence check. */
function production(
  evidence: Partial<PromotionEvidenceFacts> & { recorded?: PromotionEvidenceFacts["recorded"] },
  override = false,
): VersionGuardFacts {
  return {
    stack: "production",
    version: "0.2.0",
    allowPrerelease: false,
    allowDowngrade: false,
    deployedVersion: "0.1.0",
    promotion: {
      fromStack: STAGING,
      version: "0.2.0",
      override,
      evidence: { recorded: readEvidence(proved), soakHours: 24, now: hoursAfter(25), ...evidence },
    },
  };
}

const recorded = (change: Partial<PromotionEvidence> | Record<string, unknown>): PromotionEvidenceFacts["recorded"] =>
  readEvidence({ ...proved, ...change });
const withoutTime = (): PromotionEvidenceFacts["recorded"] =>
  readEvidence({ version: "0.2.0", migration: "completed", rollout: "available" });

type Expected = Array<[string, string, RegExp]>;

describe("promotion guard: evidence and soak time", () => {
  const table: Array<[string, VersionGuardFacts, Expected]> = [
    ["staging proved 0.2.0 25 hours ago, no digest anywhere", production({}), []],
    ["exactly at the end of the soak", production({ now: hoursAfter(24) }), []],
    [
      "5h 12m before the end of the soak",
      production({ now: hoursAfter(18, 48) }),
      [
        [
          KEY.promotionSoakHours,
          "24",
          /^organization\/smartem\/staging rolled out 0\.2\.0 at 2026-12-02T10:00:00Z; 5h 12m of the 24 h soak left \(until 2026-12-03T10:00:00\.000Z\).*lower smartem:promotionSoakHours.*smartem:skipPromotionCheck: true/,
        ],
      ],
    ],
    [
      "seconds before the end: a minute left, never 0",
      production({ now: new Date(Date.parse(ROLLED_OUT) + 24 * 3_600_000 - 5_000) }),
      [[KEY.promotionSoakHours, "24", /; 1m of the 24 h soak left/]],
    ],
    ["a soak of 1 hour, 2 hours later", production({ soakHours: 1, now: hoursAfter(2) }), []],
    [
      "a soak of 1 hour, 30 minutes later",
      production({ soakHours: 1, now: hoursAfter(0, 30) }),
      [[KEY.promotionSoakHours, "1", /; 30m of the 1 h soak left/]],
    ],
    ["a soak of 0: at once", production({ soakHours: 0, now: hoursAfter(0) }), []],
    ["a soak of 0 needs no rollout time", production({ soakHours: 0, recorded: withoutTime() }), []],
    [
      "a rollout time ahead of this machine's clock",
      production({ now: hoursAfter(-1) }),
      [[KEY.promotionSoakHours, "24", /25h 0m of the 24 h soak left .*ahead of this machine's clock/]],
    ],
    [
      "no record at all (staging last deployed before the record existed)",
      production({ recorded: readEvidence(undefined) }),
      [
        [
          KEY.promoteFrom,
          STAGING,
          /records no promotionEvidence output.*run `pulumi up` on organization\/smartem\/staging to record it for 0\.2\.0.*keep 0\.1\.0.*smartem:skipPromotionCheck/,
        ],
      ],
    ],
    [
      "a record that is not one",
      production({ recorded: readEvidence({ version: "0.2.0", rollout: "maybe" }) }),
      [[KEY.promoteFrom, STAGING, /is not a promotion record \(migration: .*rollout: .*\); run `pulumi up`/]],
    ],
    [
      "a record of another version",
      production({ recorded: recorded({ version: "0.1.9" }) }),
      [[KEY.promoteFrom, STAGING, /promotionEvidence output of organization\/smartem\/staging is for 0\.1\.9, not 0\.2\.0/]],
    ],
    [
      "staging went back to 0.2.0 without its migration",
      production({ recorded: recorded({ migration: "none" }) }),
      [[KEY.promoteFrom, STAGING, /rolled out 0\.2\.0 without running its migration/]],
    ],
    [
      "a record without a rollout time",
      production({ recorded: withoutTime() }),
      [
        [
          KEY.promoteFrom,
          STAGING,
          /has no rollout time .* the 24 h soak cannot be measured; run `pulumi refresh` and `pulumi up`/,
        ],
      ],
    ],
    // Digests: the same bytes, or refused with why.
    ["the same digest on both", production({ recorded: recorded({ digest: DIGEST_A }), digest: DIGEST_A }), []],
    [
      "other bytes under the same version",
      production({ recorded: recorded({ digest: DIGEST_A }), digest: DIGEST_B }),
      [[KEY.backendImageDigests, DIGEST_B, new RegExp(`ran 0\\.2\\.0 as ${DIGEST_A}, other bytes than ${DIGEST_B} pinned here`)]],
    ],
    [
      "production pins a digest, staging ran the tag alone",
      production({ digest: DIGEST_B }),
      [
        [
          KEY.backendImageDigests,
          DIGEST_B,
          /staging ran 0\.2\.0 by its tag alone \(no digest pinned\), so nothing proves it ran these bytes/,
        ],
      ],
    ],
    [
      "staging ran a digest, production pins none",
      production({ recorded: recorded({ digest: DIGEST_A }) }),
      [
        [
          KEY.backendImageDigests,
          "(none for 0.2.0)",
          /pins no digest for 0\.2\.0.*npm run bump -- --stack production --version 0\.2\.0/,
        ],
      ],
    ],
    [
      "every problem at once",
      production({ recorded: recorded({ migration: "none", digest: DIGEST_A }), digest: DIGEST_B, now: hoursAfter(1) }),
      [
        [KEY.promoteFrom, STAGING, /without running its migration/],
        [KEY.backendImageDigests, DIGEST_B, /other bytes/],
        [KEY.promotionSoakHours, "24", /23h 0m of the 24 h soak left/],
      ],
    ],
    // What the evidence never overrides.
    [
      "evidence of 0.2.0 while staging reports another version",
      { ...production({}), promotion: { ...production({}).promotion!, version: "0.2.1" } },
      [[KEY.backendVersion, "0.2.0", /staging runs, which is 0\.2\.1/]],
    ],
    [
      "a re-apply of the version production runs needs nothing from staging",
      { ...production({ recorded: readEvidence(undefined) }), deployedVersion: "0.2.0" },
      [],
    ],
    [
      "the emergency override skips the evidence and the soak",
      production({ recorded: recorded({ digest: DIGEST_A }), now: hoursAfter(1) }, true),
      [],
    ],
  ];

  for (const [title, facts, expected] of table) {
    it(title, () => {
      const problems = checkVersionGuards(facts);
      expect(
        problems.map((p) => [p.key, p.value]),
        JSON.stringify(problems, null, 1),
      ).to.deep.equal(expected.map(([k, v]) => [k, v]));
      problems.forEach((p, i) => expect(p.message).to.match(expected[i]![2]));
    });
  }

  it("offline (no evidence facts) only the version is compared", () => {
    const offline: VersionGuardFacts = {
      ...production({}),
      promotion: { fromStack: STAGING, version: "0.2.0", override: false },
    };
    expect(checkVersionGuards(offline)).to.deep.equal([]);
  });

  describe("the override is loud", () => {
    it("names what it skipped", () => {
      const warning = promotionOverrideWarning(production({ now: hoursAfter(1) }, true));
      expect(warning).to.match(
        /^smartem:skipPromotionCheck is true: stack production takes 0\.2\.0 without the promotion check from organization\/smartem\/staging, which refuses it:/,
      );
      expect(warning).to.contain(
        "smartem:promotionSoakHours = 24: organization/smartem/staging rolled out 0.2.0 at 2026-12-02T10:00:00Z; 23h 0m of the 24 h soak left",
      );
      expect(warning).to.match(/Unset smartem:skipPromotionCheck once the emergency is over\.$/);
      expect(warning, "the ways out of a refusal are not repeated").not.to.contain("to take it anyway");
    });

    it("says when it is not needed, and nothing without it or on a re-apply", () => {
      expect(promotionOverrideWarning(production({}, true))).to.match(
        /which it would pass anyway; unset smartem:skipPromotionCheck$/,
      );
      expect(promotionOverrideWarning(production({ now: hoursAfter(1) }))).to.equal(undefined);
      expect(promotionOverrideWarning({ ...production({}, true), deployedVersion: "0.2.0" })).to.equal(undefined);
    });
  });

  it("formats what is left, rounded up to the minute", () => {
    expect([1, 59_999, 60_000, 60_001, 3_600_000, 18_720_000, 86_400_000].map(formatDuration)).to.deep.equal([
      "1m",
      "1m",
      "1m",
      "2m",
      "1h 0m",
      "5h 12m",
      "24h 0m",
    ]);
  });
});
