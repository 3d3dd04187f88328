import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as semver from "semver";
import * as YAML from "yaml";
import { pythonPackage, SMARTEM_DECISIONS } from "../../components/release/package";
import { workflowContent } from "../../components/release/python-package-release";
import { deliveryWorkflowFiles } from "../../tools/delivery/delivery-workflows";
import { RUNNERS, action, allPins, usesText } from "../../components/actions/pins";
import { releasePlan } from "../../components/release/release-workflow";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";

describe("action pins", () => {
  it("every pin is a 40-hex commit with its vX.Y.Z release tag", () => {
    // Every action a generated workflow uses is in the table, so the loop below judges it.
    const used = [workflowContent(releasePlan(pythonPackage(SMARTEM_DECISIONS))), ...deliveryWorkflowFiles().values()].flatMap(
      (text) => [...text.matchAll(/uses: ([^@\s]+)@/g)].map((m) => m[1]!),
    );
    expect(used).to.have.length.greaterThan(0);
    expect(allPins().map((p) => p.action)).to.include.members([...new Set(used)]);
    for (const pin of allPins()) {
      expect(pin.sha, pin.action).to.match(/^[0-9a-f]{40}$/);
      // Action release tags are SemVer (unlike our PEP 440 versions): v + a release, no pre-release.
      expect(
        semver.valid(pin.tag) !== null && semver.prerelease(pin.tag) === null && pin.tag.startsWith("v"),
        `${pin.action} ${pin.tag}`,
      ).to.equal(true);
      expect(pin.action, pin.action).to.match(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/);
    }
  });

  it("each action is pinned once", () => {
    const names = allPins().map((p) => p.action);
    expect(new Set(names).size).to.equal(names.length);
  });

  /** `action@tag` -> commit, from a list in the verified list's form (tab-separated, `#` comments, a header row). */
  const readVerified = (file: string): Map<string, string> =>
    new Map(
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#") && !line.startsWith("action\t"))
        .map((line) => line.split("\t"))
        .map(([name, tag, sha]) => [`${name}@${tag}`, sha!]),
    );
  const CHECKED_IN = path.join(PROJECT_ROOT, "test", "actions", "verified-action-pins.tsv");

  it("every pin is the commit the verified pin list records for that tag (setup-uv: the commit, not the annotated tag object)", () => {
    const verified = readVerified(CHECKED_IN);
    for (const pin of allPins()) {
      expect(verified.get(`${pin.action}@${pin.tag}`), `${pin.action} ${pin.tag} in ${CHECKED_IN}`).to.equal(pin.sha);
    }
    expect(usesText(action("setupUv"))).to.equal(`astral-sh/setup-uv@${verified.get("astral-sh/setup-uv@v7.6.0")}`);
  });

  it("the checked-in verified list records what the team's list records (../shared/action-pins.tsv, where it is present)", function () {
    // The team's list lives beside the project on the team's machines; a clone elsewhere has only the copy.
    const team = path.join(PROJECT_ROOT, "..", "shared", "action-pins.tsv");
    if (!fs.existsSync(team)) this.skip();
    const shared = readVerified(team);
    for (const [pin, sha] of readVerified(CHECKED_IN)) expect(shared.get(pin), `${pin} in ${team}`).to.equal(sha);
  });

  it("every job runs on a versioned runner image from the one table, never -latest", () => {
    const workflows = [workflowContent(releasePlan(pythonPackage(SMARTEM_DECISIONS))), ...deliveryWorkflowFiles().values()];
    const allowed: string[] = Object.values(RUNNERS);
    for (const text of workflows) {
      const doc = YAML.parse(text) as { jobs: Record<string, { "runs-on": string; strategy?: { matrix?: { os?: string[] } } }> };
      for (const [id, job] of Object.entries(doc.jobs)) {
        const labels = job["runs-on"] === "${{ matrix.os }}" ? (job.strategy?.matrix?.os ?? []) : [job["runs-on"]];
        expect(labels.length, id).to.be.greaterThan(0);
        for (const label of labels) expect(allowed, `${id} runs on ${label}`).to.include(label);
      }
    }
  });
});
