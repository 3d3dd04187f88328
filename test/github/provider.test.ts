import { expect } from "chai";
import { ConfigError, SECRET_MARKER } from "../../components/config/keys";
import { GITHUB_API_URL } from "../../components/github/config";
import { githubEnvironmentProblems } from "../../components/github/provider";
import { loadStackConfig } from "../../components/program-config";
import { offlineOptions } from "../../tools/engine/offline";
import { resourcesOfType } from "../support/evaluate";
import { DEFAULT_ENV, TOKEN, evaluateLive, liveRejection } from "../support/live-run";
import { TYPES } from "../../components/shared/project";

const PROVIDER = TYPES.githubProvider;
const STACK = { owner: "smartem-sandbox", baseUrl: GITHUB_API_URL };
const problems = (env: Record<string, string | undefined>) => githubEnvironmentProblems({ GITHUB_TOKEN: TOKEN, ...env }, STACK);

describe("the GitHub provider's environment variables under pulumi preview/up", () => {
  it("a run with only a token in its environment may go ahead", () => {
    expect(problems({})).to.deep.equal([]);
  });

  for (const name of ["GITHUB_ORGANIZATION", "GITHUB_OWNER"]) {
    it(`${name} naming another owner is refused: the provider would prefer it to the stack's owner`, () => {
      const [problem, ...rest] = problems({ [name]: "DiamondLightSource" });
      expect(rest).to.deep.equal([]);
      expect(problem!.key).to.equal(name);
      expect(problem!.value).to.equal('"DiamondLightSource"');
      expect(problem!.message).to.contain('smartem:githubOwner = "smartem-sandbox"').and.contain("allowed: unset");
    });
  }

  it("the stack's own owner in GITHUB_OWNER is fine (logins are case-insensitive); an empty one is unset", () => {
    expect(problems({ GITHUB_OWNER: "Smartem-Sandbox", GITHUB_ORGANIZATION: "" })).to.deep.equal([]);
  });

  it("GITHUB_APP_* is refused (the app would replace the token) and the private key is never echoed", () => {
    const found = problems({ GITHUB_APP_ID: "123", GITHUB_APP_PEM_FILE: "-----BEGIN RSA PRIVATE KEY-----abc" });
    expect(found.map((p) => [p.key, p.value])).to.deep.equal([
      ["GITHUB_APP_ID", '"123"'],
      ["GITHUB_APP_PEM_FILE", SECRET_MARKER],
    ]);
    expect(JSON.stringify(found)).to.not.contain("PRIVATE KEY");
  });

  it("GITHUB_BASE_URL naming another API is refused; the stack's URL with or without its last '/' is fine", () => {
    expect(problems({ GITHUB_BASE_URL: "https://api.github.com" })).to.deep.equal([]);
    const [problem] = problems({ GITHUB_BASE_URL: "https://ghe.example/api/v3/" });
    expect(problem!.key).to.equal("GITHUB_BASE_URL");
    expect(problem!.message).to.contain(`smartem:githubBaseUrl = "${GITHUB_API_URL}"`);
  });

  for (const [label, token] of [
    ["unset", undefined],
    ["empty", ""],
    ["blank", "  "],
  ] as const) {
    it(`an ${label} GITHUB_TOKEN is refused: the provider would fall back to \`gh auth token\``, () => {
      const [problem, ...rest] = githubEnvironmentProblems({ GITHUB_TOKEN: token }, STACK);
      expect(rest).to.deep.equal([]);
      expect(problem!.key).to.equal("GITHUB_TOKEN");
      expect(problem!.message).to.contain("gh auth token");
    });
  }

  it("no problem ever shows the token", () => {
    const all = problems({
      GITHUB_OWNER: "x",
      GITHUB_ORGANIZATION: "y",
      GITHUB_BASE_URL: "https://z/",
      GITHUB_APP_INSTALLATION_ID: "9",
    });
    expect(all).to.have.length(4);
    expect(JSON.stringify(all)).to.not.contain(TOKEN);
  });
});

describe("a real run of a stack that manages GitHub", () => {
  it("the dev stack refuses to run where GITHUB_OWNER names production's owner: it never writes into production's repository", async () => {
    const production = loadStackConfig(offlineOptions("production").config).githubOwner;
    const dev = loadStackConfig(offlineOptions("dev").config).githubOwner;
    expect(dev).to.not.equal(production);
    const error = await liveRejection("dev", { env: { ...DEFAULT_ENV, GITHUB_OWNER: production } });
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain(`GITHUB_OWNER = "${production}"`).and.contain(`smartem:githubOwner = "${dev}"`);
    expect(error.message).to.not.contain(TOKEN);
  });

  it("passes owner, API URL and token explicitly; the token only as a secret", async () => {
    const ev = await evaluateLive("dev", { overrides: { githubBaseUrl: "http://127.0.0.1:8088/api/v3/" } });
    const [provider] = resourcesOfType(ev, PROVIDER);
    expect(provider!.inputs).to.deep.equal({
      owner: "smartem-sandbox",
      baseUrl: "http://127.0.0.1:8088/api/v3/",
      token: SECRET_MARKER,
    });
    expect(JSON.stringify(ev)).to.not.contain(TOKEN);
  });

  it("a stack that does not manage GitHub needs no GitHub token", async () => {
    const ev = await evaluateLive("staging", { env: { KUBECONFIG: DEFAULT_ENV.KUBECONFIG } });
    expect(resourcesOfType(ev, PROVIDER)).to.deep.equal([]);
  });

  it("smartem:githubBaseUrl must be an http(s) URL ending in '/'", async () => {
    for (const bad of ["ftp://api.github.com/", "https://api.github.com", "api.github.com/", "https://x/?a=1/"]) {
      const error = await liveRejection("dev", { overrides: { githubBaseUrl: bad } });
      expect(error.message, bad).to.contain(`smartem:githubBaseUrl = ${JSON.stringify(bad)}: not an http(s) URL ending in '/'`);
    }
  });
});
