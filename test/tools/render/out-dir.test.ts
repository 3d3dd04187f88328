import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CRASH_POINTS, KILL_AT_ENV } from "../../../tools/fs/crash-point";
import { PROJECT_ROOT } from "../../../tools/engine/stack-file";
import { readTree } from "../../../tools/render/golden";
import { OutDirError, RENDER_MARKER, isRender, prepareOutDir } from "../../../tools/render/out-dir";
import { writeRender } from "../../../tools/render/render";
import type { CrashJob } from "../../support/crash-child";
import { runScriptFile } from "../../support/spawn";
import { rejection } from "../../support/refusals";

const OLD = new Map([
  ["plan.json", "old plan\n"],
  ["k8s/ns/deployment-api.yaml", "old api\n"],
  ["k8s/ns/job-migrate-1.yaml", "old job\n"],
]);
const NEW = new Map([
  ["plan.json", "new plan\n"],
  ["k8s/ns/deployment-api.yaml", "new api\n"],
  ["github/repo/.github/workflows/release.yml", "new workflow\n"],
]);

/** The render files of a folder, without the marker, as sorted entries. */
const filesOf = (dir: string): [string, string][] => [...readTree(dir)].filter(([file]) => file !== RENDER_MARKER).sort();
const sorted = (files: Map<string, string>): [string, string][] => [...files].sort();

/** Every path under `dir` (files, folders, links), with file contents: what "untouched" compares. */
function snapshot(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      const content = e.isFile() ? fs.readFileSync(full, "utf8") : e.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : "/";
      return `${path.relative(dir, full)} ${content}`;
    })
    .sort();
}

/** A process id that is certainly not running any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid ?? expect.fail("no child pid");
}

describe("render output folder (--out)", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "out-dir-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe("where a render may go", () => {
    it("a new path (parents created): the render files plus the marker, nothing beside it", async () => {
      const out = path.join(tmp, "a", "b", "dev");
      await writeRender(NEW, out);
      expect(filesOf(out)).to.deep.equal(sorted(NEW));
      expect(isRender(out)).to.equal(true);
      expect(JSON.parse(fs.readFileSync(path.join(out, RENDER_MARKER), "utf8"))).to.have.property("writtenBy");
      expect(fs.readdirSync(path.join(tmp, "a", "b"))).to.deep.equal(["dev"]);
    });

    it("an empty folder, and then the previous render, replaced whole", async () => {
      const out = path.join(tmp, "dev");
      fs.mkdirSync(out);
      await writeRender(OLD, out);
      await writeRender(NEW, out);
      expect(filesOf(out)).to.deep.equal(sorted(NEW));
      expect(fs.readdirSync(tmp)).to.deep.equal(["dev"]);
    });

    it("the golden copies: without marker, replaced whole", async () => {
      const out = path.join(tmp, "golden");
      await writeRender(OLD, out, { marker: false });
      await writeRender(NEW, out, { marker: false });
      expect([...readTree(out)].sort()).to.deep.equal(sorted(NEW));
      expect(fs.readdirSync(tmp)).to.deep.equal(["golden"]);
    });
  });

  describe("refused, naming the path as given, with nothing touched", () => {
    const refusals: [string, (tmp: string) => string | Promise<string>, RegExp][] = [
      [
        "a folder of other files",
        (t) => (fs.mkdirSync(path.join(t, "docs")), fs.writeFileSync(path.join(t, "docs", "notes.md"), "mine"), "docs"),
        /docs: holds files the render did not write \(notes\.md\)/,
      ],
      [
        "a file",
        (t) => (fs.writeFileSync(path.join(t, "report.txt"), "mine"), "report.txt"),
        /report\.txt: is a file, not a folder/,
      ],
      [
        "a path below a file",
        (t) => (fs.writeFileSync(path.join(t, "report.txt"), "mine"), "report.txt/dev"),
        /report\.txt\/dev: a part of the path is a file, not a folder/,
      ],
      [
        "a symbolic link to a previous render",
        async (t) => (await writeRender(OLD, path.join(t, "r")), fs.symlinkSync("r", path.join(t, "link")), "link"),
        /link: is a symbolic link \(to r\)/,
      ],
      [
        "a symbolic link to a folder of other files",
        (t) => (
          fs.mkdirSync(path.join(t, "home")),
          fs.writeFileSync(path.join(t, "home", "x"), "mine"),
          fs.symlinkSync(path.join(t, "home"), path.join(t, "link")),
          "link"
        ),
        /link: is a symbolic link/,
      ],
    ];
    for (const [what, make, message] of refusals) {
      it(what, async () => {
        const given = await make(tmp);
        const before = snapshot(tmp);
        const cwd = process.cwd();
        process.chdir(tmp);
        try {
          for (const attempt of [() => writeRender(NEW, given, { label: given }), () => prepareOutDir(given, { label: given })]) {
            const error = await rejection(attempt());
            expect(error).to.be.instanceOf(OutDirError);
            expect(error.message).to.match(message).and.to.contain("nothing was written");
          }
        } finally {
          process.chdir(cwd);
        }
        expect(snapshot(tmp)).to.deep.equal(before);
      });
    }

    it("a render marker that is not ours does not make a folder a render", async () => {
      const dir = path.join(tmp, "r");
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, RENDER_MARKER), "{}");
      fs.writeFileSync(path.join(dir, "x"), "mine");
      expect((await rejection(writeRender(NEW, dir))).message).to.match(
        /holds files the render did not write \(\.smartem-render, x\)/,
      );
      expect(fs.readFileSync(path.join(dir, "x"), "utf8")).to.equal("mine");
    });

    it("this checkout, the root folder, and the current folder even when empty", async () => {
      const checkoutBefore = fs.readdirSync(PROJECT_ROOT).sort();
      expect((await rejection(prepareOutDir(PROJECT_ROOT, { label: "--out ." }))).message).to.match(
        /^--out \.: is (this checkout|the current folder)/,
      );
      expect((await rejection(prepareOutDir(path.join(PROJECT_ROOT, "tools")))).message).to.match(
        /tools: holds files the render did not write/,
      );
      expect((await rejection(prepareOutDir("/", { label: "--out /" }))).message).to.match(/^--out \/: is the root folder/);
      expect(fs.readdirSync(PROJECT_ROOT).sort()).to.deep.equal(checkoutBefore);
      const empty = path.join(tmp, "empty");
      fs.mkdirSync(empty);
      const cwd = process.cwd();
      process.chdir(empty);
      try {
        expect((await rejection(writeRender(NEW, ".", { label: "--out ." }))).message).to.match(
          /^--out \.: is the current folder/,
        );
        expect((await rejection(writeRender(NEW, "..", { label: "--out .." }))).message).to.match(
          /^--out \.\.: is a folder holding the current folder/,
        );
      } finally {
        process.chdir(cwd);
      }
      expect(snapshot(tmp)).to.deep.equal(["empty /"]);
    });

    it("a folder another render is writing now (its lock names a running process)", async () => {
      const out = path.join(tmp, "dev");
      await writeRender(OLD, out);
      fs.writeFileSync(path.join(tmp, ".dev.lock"), String(process.ppid));
      const before = snapshot(tmp);
      expect((await rejection(writeRender(NEW, out, { label: "--out dev" }))).message).to.equal(
        `--out dev: another render (process ${process.ppid}) is writing it now; run again when it is done`,
      );
      expect(snapshot(tmp)).to.deep.equal(before);
    });
  });

  describe("write errors name the folder as given, never the hidden temporary one", () => {
    it("a failure inside the render leaves the previous render and no temporary folder", async () => {
      const out = path.join(tmp, "dev");
      await writeRender(OLD, out);
      const before = snapshot(tmp);
      // "a" is both a file and a folder: the write fails inside the temporary folder.
      const error = await rejection(
        writeRender(
          new Map([
            ["a/b.txt", "1"],
            ["a", "2"],
          ]),
          out,
          { label: "--out dev" },
        ),
      );
      expect(error.message).to.match(/^--out dev: cannot write the render \(a\): /);
      expect(error.message).to.not.contain(".render-");
      expect(snapshot(tmp)).to.deep.equal(before);
    });

    it("a path that leaves the render is refused before anything is written", async () => {
      const out = path.join(tmp, "dev");
      await writeRender(OLD, out);
      const before = snapshot(tmp);
      for (const bad of ["../escape.txt", RENDER_MARKER]) {
        expect(
          (
            await rejection(
              writeRender(
                new Map([
                  ["ok.txt", "x"],
                  [bad, "y"],
                ]),
                out,
              ),
            )
          ).message,
        ).to.contain(`refusing to write outside the render: ${bad}`);
      }
      expect(snapshot(tmp)).to.deep.equal(before);
    });
  });

  describe("leftovers of a killed run", () => {
    it("are deleted by the next run: temporary, old and trash folders, private lock files and a stale lock", async () => {
      const out = path.join(tmp, "dev");
      await writeRender(OLD, out);
      const dead = deadPid();
      for (const name of [`.dev.render-${dead}-0a1b`, `.dev.old-${dead}-0a1b`, `.dev.trash-${dead}-0a1b`]) {
        fs.mkdirSync(path.join(tmp, name, "k8s"), { recursive: true });
        fs.writeFileSync(path.join(tmp, name, "k8s", "x.yaml"), "left over");
      }
      fs.writeFileSync(path.join(tmp, `.dev.lock-${dead}-0a1b`), String(dead));
      fs.writeFileSync(path.join(tmp, ".dev.lock"), String(dead));
      // A sibling of a running process (a concurrent run) and files of other names are not ours to delete.
      fs.mkdirSync(path.join(tmp, `.dev.render-${process.ppid}-0a1b`));
      fs.writeFileSync(path.join(tmp, ".dev.notes"), "mine");
      await writeRender(NEW, out);
      expect(fs.readdirSync(tmp).sort()).to.deep.equal([".dev.notes", `.dev.render-${process.ppid}-0a1b`, "dev"]);
      expect(filesOf(out)).to.deep.equal(sorted(NEW));
    });
  });

  describe("killed with SIGKILL at every step (a real child process)", function () {
    this.timeout(60000);
    const kill = (job: CrashJob, point: string) =>
      runScriptFile("test/support/crash-child.ts", [JSON.stringify(job)], { env: { [KILL_AT_ENV]: point } });

    for (const point of Object.values(CRASH_POINTS).filter((p) => p.startsWith("render:"))) {
      it(`at ${point}: the old or the new render is at the path, and the next run recovers and cleans up`, async () => {
        const out = path.join(tmp, "dev");
        await writeRender(OLD, out);
        const child = kill({ kind: "render", out, files: [...NEW] }, point);
        expect(child.signal, child.stderr).to.equal("SIGKILL");

        const siblings = fs.readdirSync(tmp).filter((name) => name !== "dev");
        if (fs.existsSync(out)) {
          expect(isRender(out), "whatever is at the path is a complete render").to.equal(true);
          expect([sorted(OLD), sorted(NEW)]).to.deep.include(filesOf(out));
        } else {
          // Between the two renames: the previous render, complete, beside the path.
          expect(point).to.equal(CRASH_POINTS.renderOldAside);
          const old = siblings.filter((name) => name.startsWith(".dev.old-"));
          expect(old).to.have.length(1);
          expect(filesOf(path.join(tmp, old[0] ?? ""))).to.deep.equal(sorted(OLD));
        }
        expect(siblings, "something is left for the next run to clean").to.not.deep.equal([]);

        // The next run, even one that writes nothing (a config error after the check), restores the path...
        await prepareOutDir(out);
        expect([sorted(OLD), sorted(NEW)]).to.deep.include(filesOf(out));
        expect(fs.readdirSync(tmp)).to.deep.equal(["dev"]);
        // ...and a render then replaces it as usual.
        await writeRender(OLD, out);
        expect(filesOf(out)).to.deep.equal(sorted(OLD));
        expect(fs.readdirSync(tmp)).to.deep.equal(["dev"]);
      });
    }

    it("a first render killed before its rename leaves no render and nothing the next run keeps", async () => {
      const out = path.join(tmp, "dev");
      const child = kill({ kind: "render", out, files: [...NEW] }, CRASH_POINTS.renderMarkerWritten);
      expect(child.signal, child.stderr).to.equal("SIGKILL");
      expect(fs.existsSync(out)).to.equal(false);
      await writeRender(OLD, out);
      expect(filesOf(out)).to.deep.equal(sorted(OLD));
      expect(fs.readdirSync(tmp)).to.deep.equal(["dev"]);
    });
  });
});
