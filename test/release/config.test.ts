import { expect } from "chai";
import { ConfigError } from "../../components/config/keys";
import { KEY, loadStackConfig } from "../../components/program-config";
import { readStackFile } from "../../tools/engine/stack-file";
import { SMARTEM_DECISIONS } from "../../components/release/package";
import { EPUPLAYER } from "../support/packages";
import { printedProblems } from "../support/refusals";

const BASE = readStackFile("dev").config;

const problems = (packages: unknown): string[] =>
  printedProblems(() => loadStackConfig({ ...BASE, [KEY.packages]: JSON.stringify(packages) }));

describe(KEY.packages, () => {
  it("defaults to smartem-decisions with its Windows agent and container image", () => {
    const [pkg] = loadStackConfig(BASE).packages;
    expect(pkg).to.deep.include({
      name: "smartem-decisions",
      tagPrefix: "smartem-decisions-v",
      testPaths: ["tests/smartem_agent"],
    });
    expect(pkg?.windowsExe?.assetPrefix).to.equal("smartem-agent-windows-v");
    expect(pkg?.container?.image).to.equal("ghcr.io/diamondlightsource/smartem-decisions");
  });

  it("accepts a second package in another repository, with defaults filled in", () => {
    const packages = loadStackConfig({ ...BASE, [KEY.packages]: JSON.stringify([SMARTEM_DECISIONS, EPUPLAYER]) }).packages;
    expect(packages[1]).to.deep.include({ pythonVersion: "3.12", pypiEnvironment: "pypi", branch: "main" });
    expect(packages[1]).to.not.have.property("container");
    expect(packages[1]?.windowsExe).to.deep.include({ hiddenImports: [], smokeTests: [["--help"]] });
  });

  const rejected: Array<[string, unknown, RegExp]> = [
    [
      "an unknown field",
      [{ ...EPUPLAYER, windowsExe: { ...EPUPLAYER.windowsExe, icon: "x.ico" } }],
      /smartem:packages\.0\.windowsExe = .*icon/,
    ],
    [
      "a shell-unsafe hidden import",
      [{ ...EPUPLAYER, windowsExe: { ...EPUPLAYER.windowsExe, hiddenImports: ["a; rm -rf /"] } }],
      /windowsExe\.hiddenImports\.0 = "a; rm -rf \/": not a dotted Python module name/,
    ],
    [
      "an image outside ghcr.io",
      [{ ...SMARTEM_DECISIONS, container: { ...SMARTEM_DECISIONS.container, image: "docker.io/x/y" } }],
      /container\.image = "docker\.io\/x\/y": not a lower-case ghcr\.io image name/,
    ],
    [
      "a working directory leaving the repository",
      [{ ...EPUPLAYER, workingDirectory: "../other" }],
      /workingDirectory = "\.\.\/other"/,
    ],
    [
      "two packages with one workflow file in one repository",
      [EPUPLAYER, { ...EPUPLAYER, name: "other", tagPrefix: "other-v" }],
      /smartem:packages\.1\.workflowFile = .*used by two packages of repository smartem-devtools/,
    ],
    [
      "two packages pushing one container image",
      [
        SMARTEM_DECISIONS,
        {
          ...SMARTEM_DECISIONS,
          name: "other",
          tagPrefix: "other-v",
          workflowFile: "release-other.yml",
          pypiEnvironment: "pypi-other",
        },
      ],
      /smartem:packages\.1\.container\.image = "ghcr\.io\/diamondlightsource\/smartem-decisions": container\.image .* is used by two packages/,
    ],
    [
      "an exe asset prefix not ending in -v",
      [{ ...EPUPLAYER, windowsExe: { ...EPUPLAYER.windowsExe, assetPrefix: "epuplayer" } }],
      /assetPrefix = "epuplayer": the asset prefix ends with '-v'/,
    ],
  ];
  for (const [label, packages, pattern] of rejected) {
    it(`rejects ${label}, naming the key and the value`, () => {
      const found = problems(packages);
      expect(found.join("\n")).to.match(pattern);
      expect(found.join("\n")).to.include("allowed: a list of packages");
    });
  }

  it("rejects a bad commit e-mail", () => {
    expect(() => loadStackConfig({ ...BASE, [KEY.workflowCommitEmail]: "not-an-email" })).to.throw(
      ConfigError,
      /smartem:workflowCommitEmail = "not-an-email"/,
    );
  });
});
