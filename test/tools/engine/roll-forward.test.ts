/**
 * The staging-first roll-forward of docs/operations.md, done on a temporary copy of this project's stack
 * files and golden renders with the real bump, offline render and golden code: staging moves
 * ahead alone and CI stays green (production re-applies what it runs); production then takes
 * what staging runs; a production pin that staging does not run is refused.
 */
import { inc } from "@renovatebot/pep440";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bumpStackFile } from "../../../tools/bump/bump";
import { setConfigValue } from "../../../tools/bump/stack-file-edit";
import { evaluateOffline, offlineCaveats } from "../../../tools/engine/offline";
import { goldenDir, goldenRoot, listStacks, readStackFile, stackFilePath } from "../../../tools/engine/stack-file";
import { goldenDrift, goldenFiles, readTree } from "../../../tools/render/golden";
import { writeGoldens } from "../../../tools/render/golden-write";
import { KEY } from "../../../components/program-config";
import { rejection } from "../../support/refusals";

const VERSION = KEY.backendVersion;
const pin = (stack: string, root: string): string => readStackFile(stack, root).config[VERSION]!;

/** A temporary copy of the project's stack files and golden renders (never the real ones). */
function projectCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "roll-forward-"));
  for (const stack of listStacks()) fs.copyFileSync(stackFilePath(stack), stackFilePath(stack, root));
  fs.cpSync(goldenRoot(), goldenRoot(root), { recursive: true });
  return root;
}

/** What `npm test`'s golden check says of every stack at `root`: drifted files, [] when green. */
async function goldenCheck(root: string): Promise<Record<string, string[]>> {
  const drift: Record<string, string[]> = {};
  for (const stack of listStacks(root)) {
    drift[stack] = goldenDrift(goldenFiles(await evaluateOffline(stack, root)), readTree(goldenDir(stack, root)));
  }
  return drift;
}

const green = (root: string): Record<string, string[]> => Object.fromEntries(listStacks(root).map((s) => [s, []]));

const refusal = async (promise: Promise<unknown>): Promise<string> => (await rejection(promise)).message;

describe("the staging-first roll-forward (docs/operations.md runbook) on a copy of the project", () => {
  let root: string;
  let staging: string;
  let production: string;
  let next: string;
  beforeEach(() => {
    root = projectCopy();
    staging = pin("staging", root);
    production = pin("production", root);
    // The next final release after what staging runs now.
    next = inc(staging, "patch")!;
    expect(readStackFile("production", root).config[KEY.promoteFrom]).to.equal("organization/smartem/staging");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("bump staging alone: production still renders (re-applying what it runs), npm run golden and the golden check pass; then production takes it", async () => {
    expect(await goldenCheck(root), "the copy starts green").to.deep.equal(green(root));

    // 1. npm run bump -- --stack staging --version <next>
    const bumped = bumpStackFile("staging", next, undefined, root);
    expect(bumped).to.include({ ok: true, changed: true });
    expect(pin("staging", root)).to.equal(next);

    // 2. npm run render -- --stack production / --stack staging
    const productionRender = await evaluateOffline("production", root);
    expect(productionRender.outputs.backendVersion, "production keeps what it runs").to.equal(production);
    expect(offlineCaveats("production", root).join("\n"))
      .to.contain(`to run ${production} now`)
      .and.contain("a re-apply, no promotion check");
    expect((await evaluateOffline("staging", root)).outputs.backendVersion).to.equal(next);

    // 3. npm run golden, then npm test's golden check
    const productionGolden = readTree(goldenDir("production", root));
    const stagingGolden = readTree(goldenDir("staging", root));
    await writeGoldens(root);
    expect(await goldenCheck(root)).to.deep.equal(green(root));
    expect(readTree(goldenDir("production", root)), "production's render is untouched by staging's bump").to.deep.equal(
      productionGolden,
    );
    const changed = goldenDrift(readTree(goldenDir("staging", root)), stagingGolden);
    expect(changed.join("\n"), "staging's render shows the new version").to.match(/deployment-smartem-http-api\.yaml: differs/);
    expect(readTree(goldenDir("staging", root)).get("outputs.json")).to.contain(`"backendVersion": "${next}"`);

    // 4. once staging runs it: npm run bump -- --stack production --version <next>
    expect(bumpStackFile("production", next, undefined, root)).to.include({ ok: true, changed: true });
    expect((await evaluateOffline("production", root)).outputs.backendVersion).to.equal(next);
    await writeGoldens(root);
    expect(await goldenCheck(root)).to.deep.equal(green(root));
  });

  it("refuses a production pin that staging does not run: by npm run bump, by the render and by npm run golden, naming the way out", async () => {
    const expected = new RegExp(
      `smartem:backendVersion = ${next.replace(/\./g, "\\.")}: stack production takes only the version organization/smartem/staging runs, which is ${staging.replace(/\./g, "\\.")}; ` +
        `deploy ${next.replace(/\./g, "\\.")} to organization/smartem/staging first.*smartem:skipPromotionCheck: true`,
    );
    const productionFile = fs.readFileSync(stackFilePath("production", root), "utf8");

    const bumped = bumpStackFile("production", next, undefined, root);
    expect(bumped.ok).to.equal(false);
    expect(bumped.ok ? [] : bumped.problems.join("\n")).to.match(expected);
    expect(fs.readFileSync(stackFilePath("production", root), "utf8"), "the stack file is untouched").to.equal(productionFile);

    // The same pin written by hand: the render and npm run golden refuse it too.
    fs.writeFileSync(stackFilePath("production", root), setConfigValue(productionFile, VERSION, next));
    const message = await refusal(evaluateOffline("production", root));
    expect(message).to.match(expected);
    const goldens = readTree(goldenRoot(root));
    expect(await refusal(writeGoldens(root))).to.match(expected);
    expect(readTree(goldenRoot(root)), "no golden copy rewritten").to.deep.equal(goldens);
  });
});
