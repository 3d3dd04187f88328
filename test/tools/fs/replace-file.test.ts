import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bumpStackFile } from "../../../tools/bump/bump";
import { CRASH_POINTS, KILL_AT_ENV } from "../../../tools/fs/crash-point";
import { ConcurrentEditError, replaceFileIfUnchanged } from "../../../tools/fs/replace-file";
import { stackFilePath } from "../../../tools/engine/stack-file";
import type { CrashJob } from "../../support/crash-child";
import { runScriptFile } from "../../support/spawn";

/** The checked-in staging file, pinned to 0.1.0 (so a bump to 0.1.1 is allowed). */
const STAGING = fs
  .readFileSync(stackFilePath("staging"), "utf8")
  .replace(/^ {2}smartem:backendVersion: .*$/m, "  smartem:backendVersion: 0.1.0");
const BUMPED = STAGING.replace("smartem:backendVersion: 0.1.0", "smartem:backendVersion: 0.1.1");

describe("atomic file replacement (npm run bump's write)", () => {
  let tmp: string;
  let file: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "replace-file-"));
    file = path.join(tmp, "Pulumi.staging.yaml");
    fs.writeFileSync(file, STAGING, { mode: 0o640 });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("replaces the text, keeps the file's mode, and leaves nothing beside it", () => {
    fs.chmodSync(file, 0o640);
    // A umask that strips group read: a new file would not get 0o640 by itself.
    const umask = process.umask(0o077);
    try {
      replaceFileIfUnchanged(file, STAGING, BUMPED);
    } finally {
      process.umask(umask);
    }
    expect(fs.readFileSync(file, "utf8")).to.equal(BUMPED);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o640);
    expect(fs.readdirSync(tmp)).to.deep.equal(["Pulumi.staging.yaml"]);
  });

  it("deletes the temporary file a dead run left, never one of a run still writing nor a file of another name", () => {
    const exited = spawnSync(process.execPath, ["-e", ""]);
    expect(exited.status).to.equal(0);
    const dead = `.Pulumi.staging.yaml.write-${exited.pid}-0a1b2c3d`;
    // The parent of this test process runs until the tests are done.
    const live = `.Pulumi.staging.yaml.write-${process.ppid}-4e5f6a7b`;
    // Someone's own file that only starts like a temporary one of the dead run.
    const mine = `.Pulumi.staging.yaml.write-${exited.pid}-backup.txt`;
    for (const name of [dead, live, mine]) fs.writeFileSync(path.join(tmp, name), "half a file");
    replaceFileIfUnchanged(file, STAGING, BUMPED);
    expect(fs.readFileSync(file, "utf8")).to.equal(BUMPED);
    expect(fs.readdirSync(tmp).sort()).to.deep.equal([live, mine, "Pulumi.staging.yaml"].sort());
  });

  it("through a symbolic link, replaces the file it names and keeps the link", () => {
    const link = path.join(tmp, "link.yaml");
    fs.symlinkSync("Pulumi.staging.yaml", link);
    replaceFileIfUnchanged(link, STAGING, BUMPED);
    expect(fs.lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(fs.readFileSync(file, "utf8")).to.equal(BUMPED);
  });

  it("refuses, naming the file and writing nothing, when the file changed since it was read", () => {
    const edited = STAGING + "# someone else's edit\n";
    fs.writeFileSync(file, edited);
    expect(() => replaceFileIfUnchanged(file, STAGING, BUMPED, "Pulumi.staging.yaml")).to.throw(
      ConcurrentEditError,
      /^Pulumi\.staging\.yaml changed on disk while this ran/,
    );
    expect(fs.readFileSync(file, "utf8")).to.equal(edited);
    expect(fs.readdirSync(tmp)).to.deep.equal(["Pulumi.staging.yaml"]);
  });

  it("bump refuses an edit made between its read and its write (here: while the guards run)", () => {
    fs.writeFileSync(path.join(tmp, "Pulumi.production.yaml"), fs.readFileSync(stackFilePath("production")));
    const edited = STAGING.replace("smartem:apiReplicas: 1", "smartem:apiReplicas: 2");
    const editWhileChecking = () => (fs.writeFileSync(file, edited), []);
    expect(() => bumpStackFile("staging", "0.1.1", editWhileChecking, tmp)).to.throw(
      ConcurrentEditError,
      /^Pulumi\.staging\.yaml changed on disk/,
    );
    expect(fs.readFileSync(file, "utf8")).to.equal(edited);
  });

  describe("killed with SIGKILL at every step of npm run bump (a real child process)", function () {
    this.timeout(60000);
    for (const point of Object.values(CRASH_POINTS).filter((p) => p.startsWith("file:"))) {
      it(`at ${point}: the stack file is the whole old or the whole new text, and the next bump cleans up`, () => {
        const job: CrashJob = { kind: "bump", root: tmp, stack: "staging", version: "0.1.1" };
        const child = runScriptFile("test/support/crash-child.ts", [JSON.stringify(job)], { env: { [KILL_AT_ENV]: point } });
        expect(child.signal, child.stderr).to.equal("SIGKILL");
        const text = fs.readFileSync(file, "utf8");
        expect(text).to.equal(point === CRASH_POINTS.fileRenamed ? BUMPED : STAGING);
        const leftover = fs.readdirSync(tmp).filter((name) => name.startsWith(".Pulumi.staging.yaml.write-"));
        expect(leftover, "the killed run's temporary file").to.have.length(point === CRASH_POINTS.fileRenamed ? 0 : 1);

        const result = bumpStackFile("staging", "0.1.2", undefined, tmp);
        expect(result.ok, JSON.stringify(result)).to.equal(true);
        expect(fs.readFileSync(file, "utf8")).to.equal(
          STAGING.replace("smartem:backendVersion: 0.1.0", "smartem:backendVersion: 0.1.2"),
        );
        expect(fs.readdirSync(tmp)).to.deep.equal(["Pulumi.staging.yaml"]);
      });
    }
  });
});
