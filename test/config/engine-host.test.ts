/**
 * Under `pulumi preview`/`up` (a LiveRun) the program refuses the placeholders the offline
 * render only warns about. In both modes it checks the stack files the CLI does not: its own
 * (so a value the CLI passes as another text than written is refused under preview too) and
 * the other stacks of the project folder (one owner per GitHub repository). Run here under
 * the mock runtime with a LiveRun: the code path of the CLI up to the checks that read the machine.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, RawConfig } from "../../components/config/keys";
import { LiveRun, runProgram } from "../../components/program";
import { pulumiEngineHost } from "../../components/program-host";
import { evaluate } from "../../tools/engine/evaluate";
import { evaluateOffline, offlineOptions } from "../../tools/engine/offline";
import { PROJECT_ROOT, stackFilePath } from "../../tools/engine/stack-file";
import { KEY } from "../../components/program-config";
import { EXTERNAL_BACKEND } from "../support/configs";

/** An environment with nothing in it: the placeholder check comes before anything reads it. */
const LIVE: LiveRun = { env: {}, readFile: () => "" };

/** Evaluates a stack in a project folder, under the real engine's checks when `live`. */
async function run(stack: string, config: RawConfig, projectDir = PROJECT_ROOT, secretKeys: string[] = [], live?: LiveRun) {
  const registered: string[] = [];
  // A first deploy: the stack's own outputs are empty.
  const base = fs.existsSync(stackFilePath(stack))
    ? offlineOptions(stack)
    : { stackReferences: { [`organization/smartem/${stack}`]: {} } };
  const result = await evaluate({
    stack,
    config,
    secretKeys,
    stackReferences: base.stackReferences ?? {},
    onRegister: (r) => registered.push(r),
    program: () => runProgram(stack, config, new Set(secretKeys), live, { projectDir, warn: () => undefined }),
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  return { error: result, registered };
}

describe("the program checks stack files the CLI does not (and refuses placeholders under the engine)", () => {
  it("reads the stack files of the CLI's working directory, the project folder, when the CLI calls it", () => {
    expect(pulumiEngineHost().projectDir).to.equal(process.cwd());
  });

  it("refuses the placeholders of production's stack file, saying what to put there, and registers nothing", async () => {
    const { config, secretKeys } = offlineOptions("production");
    const { error, registered } = await run("production", config, PROJECT_ROOT, [...(secretKeys ?? [])], LIVE);
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).to.match(/^Placeholders left in the stack file/);
    expect(message).to.match(
      /Pulumi\.production\.yaml: smartem:pypiReviewers\.teams\.0 = 1000001: .*allowed: the numeric id of a team .*gh api orgs/,
    );
    expect(message).to.match(
      /smartem:databaseHost = "postgres\.production\.smartem\.invalid": .*allowed: the host name of this stack's PostgreSQL server/,
    );
    expect(registered).to.deep.equal([]);
  });

  it("runs the same stack offline, warning about each placeholder instead", async () => {
    const ev = await evaluate(offlineOptions("production"));
    // pypiReviewers, deliveryReviewers, the two hosts, the two secrets.
    expect(ev.warnings).to.have.length(6);
    expect(ev.warnings!.join("\n")).to.match(/smartem:deliveryReviewers\.teams\.0 = 1000001: .*approves production applies/);
    expect(ev.warnings!.join("\n")).to.match(
      /smartem:rabbitmqHost = "rabbitmq\.production\.smartem\.invalid": a placeholder .*`pulumi preview` refuses it/,
    );
  });

  describe("in a project folder of its own", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "smartem-engine-host-"));
      fs.copyFileSync(stackFilePath("production"), path.join(dir, "Pulumi.production.yaml"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const REAL = { ...EXTERNAL_BACKEND, [KEY.backendVersion]: "0.1.1" };
    const SECRETS = [KEY.databasePassword, KEY.rabbitmqPassword];

    it("refuses a second stack managing production's repository (the CLI passes its config; the program reads the sibling file)", async () => {
      const config = {
        ...REAL,
        [KEY.manageGithub]: "true",
        [KEY.githubOwner]: "DiamondLightSource",
        [KEY.pypiReviewers]: '{"teams":[4242]}',
      };
      const { error, registered } = await run("other", config, dir, SECRETS);
      expect(String(error)).to.match(
        /Pulumi\.other\.yaml: smartem:manageGithub = true: diamondlightsource\/smartem-decisions is managed by Pulumi\.production\.yaml too.*allowed: smartem:manageGithub true in exactly one stack file/,
      );
      expect(registered).to.deep.equal([]);
    });

    it("accepts that stack once it leaves GitHub to production (the control)", async () => {
      const { error } = await run("other", REAL, dir, SECRETS);
      expect(error).to.equal(undefined);
    });

    it("refuses a value written as 0x10 in its own stack file, though the CLI passes it as 16", async () => {
      fs.writeFileSync(
        path.join(dir, "Pulumi.other.yaml"),
        "config:\n  smartem:backendVersion: 0.1.1\n  smartem:apiReplicas: 0x10\n",
      );
      const { error } = await run("other", { ...REAL, [KEY.apiReplicas]: "16" }, dir, SECRETS);
      expect(String(error)).to.match(
        /Pulumi\.other\.yaml:3: smartem:apiReplicas = 0x10: the Pulumi CLI passes this as "16", not as written; allowed: an integer from 0 to 50/,
      );
    });

    it("names the line of each refused value in its own stack file, also of a nested one, as the render does", async () => {
      const text = fs
        .readFileSync(stackFilePath("staging"), "utf8")
        .replace(/^ {2}smartem:apiReplicas: 1$/m, "  smartem:apiReplicas: 99")
        .replace(
          /^ {2}smartem:workerReplicas: 1$/m,
          '  smartem:workerReplicas: 1\n  smartem:apiResources:\n    limits: { cpu: "lots" }',
        );
      fs.writeFileSync(path.join(dir, "Pulumi.other.yaml"), text);
      const line = (key: string) => text.split("\n").findIndex((l) => l.startsWith(`  ${key}:`)) + 1;
      const error = await evaluateOffline("other", dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).to.match(
        new RegExp(`\\n {2}- Pulumi\\.other\\.yaml:${line(KEY.apiReplicas)}: smartem:apiReplicas = 99: .*allowed: `),
      );
      expect(message).to.match(
        new RegExp(
          `\\n {2}- Pulumi\\.other\\.yaml:${line(KEY.apiResources)}: smartem:apiResources\\.limits\\.cpu = "lots": .*allowed: `,
        ),
      );
    });

    it("names no line for a value the program got from elsewhere than the file (pulumi up --config)", async () => {
      fs.writeFileSync(
        path.join(dir, "Pulumi.other.yaml"),
        "config:\n  smartem:backendVersion: 0.1.1\n  smartem:apiReplicas: 2\n",
      );
      const { error } = await run("other", { ...REAL, [KEY.apiReplicas]: "99" }, dir, SECRETS);
      expect(String(error)).to.match(/\n {2}- smartem:apiReplicas = 99: .*allowed: /);
    });

    it("reports a broken other stack file and goes on", async () => {
      fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config: [\n");
      const warnings: string[] = [];
      await evaluate({
        stack: "other",
        config: REAL,
        secretKeys: SECRETS,
        stackReferences: { "organization/smartem/other": {} },
        program: () =>
          runProgram("other", REAL, new Set(SECRETS), undefined, { projectDir: dir, warn: (m: string) => warnings.push(m) }),
      });
      expect(warnings.join("\n")).to.match(
        /^Pulumi\.broken\.yaml is invalid, so whether it manages a repository of this stack was not checked: Pulumi\.broken\.yaml:2/,
      );
    });
  });
});
