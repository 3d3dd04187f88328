/** The value rules of components/config/rules.ts, against the tools and RFCs they follow. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { gitBranchName, hostName, hostNameProblem, httpOrigin } from "../../components/config/rules";

/** Both of git's checks: as a branch name, and as the ref refs/heads/<name> (run outside any repository). */
const gitAccepts = (branch: string): boolean =>
  [
    ["check-ref-format", "--branch", branch],
    ["check-ref-format", `refs/heads/${branch}`],
  ].every((args) => spawnSync("git", args, { cwd: os.tmpdir(), encoding: "utf8" }).status === 0);

describe("config value rules", () => {
  describe("branch names (git check-ref-format --branch)", () => {
    const good = ["main", "master", "release/1.x", "feature/foo-bar_2", "v1.2", "a.b/c.d", "x-lock"];
    const bad = [
      "release..1",
      "feature/.hidden",
      ".hidden",
      "main.lock",
      "a/b.lock/c",
      "feature//x",
      "/main",
      "main/",
      "main.",
      "-main",
      "my branch",
      "main~1",
      "main^",
      "a:b",
      "main?",
      "release/*",
      "main[1",
      "a\\b",
      "@",
      "main@{1}",
      "HEAD",
      "main\u0007",
      "main\u007f",
      "",
    ];
    it("accepts ordinary branch names, which git accepts too", () => {
      for (const branch of good) {
        expect(gitAccepts(branch), `git accepts ${branch}`).to.equal(true);
        expect(gitBranchName.safeParse(branch).success, branch).to.equal(true);
      }
    });
    it("refuses every name git refuses", () => {
      const refusedByGit = bad.filter((branch) => !gitAccepts(branch));
      expect(refusedByGit.length, "the list is of names git refuses").to.be.greaterThan(bad.length - 3);
      for (const branch of refusedByGit) expect(gitBranchName.safeParse(branch).success, JSON.stringify(branch)).to.equal(false);
    });
    it("also refuses '@' and HEAD, which tools read as the current commit", () => {
      for (const branch of ["@", "HEAD"]) expect(gitBranchName.safeParse(branch).success, branch).to.equal(false);
    });
  });

  describe("host names (RFC 1123)", () => {
    it("takes labels of 63 characters and names of 253, not more", () => {
      expect(hostNameProblem(`${"a".repeat(63)}.example.org`)).to.equal(undefined);
      expect(hostNameProblem(`${"a".repeat(64)}.example.org`)).to.match(/label 1 of 3 has 64 characters/);
      const name253 = [..."abcd"].map((c) => c.repeat(62)).join(".") + ".o"; // 4 * 62 + 4 + 1
      expect(name253).to.have.length(253);
      expect(hostNameProblem(name253)).to.equal(undefined);
      expect(hostNameProblem(`${name253}x`)).to.match(/254 characters/);
    });
    it("refuses empty labels and takes addresses", () => {
      for (const bad of ["a..b", ".a", "a.", "", "-a.b", "a-.b", "a_b.c", "1.2.3.999"])
        expect(hostName.safeParse(bad).success, bad).to.equal(false);
      for (const good of ["db", "db.example.org", "10.0.0.1", "::1", "fd00::1", "xn--bcher-kva.example"])
        expect(hostName.safeParse(good).success, good).to.equal(true);
    });
  });

  describe("CORS origins", () => {
    it("takes origins exactly as browsers send them", () => {
      for (const good of [
        "https://smartem.example.org",
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "https://[::1]:8443",
        "https://ui.example.org:8443",
      ]) {
        expect(httpOrigin.safeParse(good).success, good).to.equal(true);
      }
    });
    it("refuses what never matches an Origin header", () => {
      for (const bad of [
        "https://ui.example.org/",
        "https://ui.example.org/x",
        "https://u:p@ui.example.org",
        "https://ui.example.org?a",
        "https://UI.example.org",
        "https://ui.example.org:443",
        "http://ui.example.org:80",
        "ftp://ui.example.org",
        "*",
        "ui.example.org",
        "https://a..b",
      ]) {
        expect(httpOrigin.safeParse(bad).success, bad).to.equal(false);
      }
    });
  });
});
