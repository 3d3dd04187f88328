import { expect } from "chai";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { evaluate } from "../../../tools/engine/evaluate";
import { offlineStackReferences } from "../../../tools/engine/offline";
import { parseStackFile, stackFilePath } from "../../../tools/engine/stack-file";
import { VerifiedBumpOptions, verifiedBump } from "../../../tools/bump/verified-pin";
import { objectNamed, objectsOfKind, podTemplate } from "../../support/kubernetes";
import { OCI_INDEX, RegistryDouble, startRegistryDouble } from "../../support/registry-double";
import { AttestOptions, TestSigstore, testSigstore } from "../../support/sigstore";
import { KEY } from "../../../components/program-config";
import { OBJECT_NAMES } from "../../../components/backend/names";

// What GitHub would write into the certificate of the release workflow's run for the tag
// smartem-decisions-v0.2.0 of DiamondLightSource/smartem-decisions: typed out here on purpose.
const VERSION = "0.2.0";
const WORKFLOW = "https://github.com/DiamondLightSource/smartem-decisions/.github/workflows/release-smartem-decisions.yml";
const RELEASE_SAN = `${WORKFLOW}@refs/tags/smartem-decisions-v${VERSION}`;
const ISSUER = "https://token.actions.githubusercontent.com";
const SLSA_V1 = "https://slsa.dev/provenance/v1";
const IMAGE = "ghcr.io/diamondlightsource/smartem-decisions";
const REPOSITORY_NAME = "diamondlightsource/smartem-decisions";

/** The checked-in staging file, pinned to 0.1.0, with a trailing comment to keep. */
const STAGING = fs
  .readFileSync(stackFilePath("staging"), "utf8")
  .replace(/^ {2}smartem:backendVersion: .*$/m, "  smartem:backendVersion: 0.1.0   # moved by npm run bump");

describe("npm run bump: a verified pin", function () {
  let registry: RegistryDouble;
  let sigstore: TestSigstore;
  let digest: string;
  const dirs: string[] = [];

  before(async () => {
    [registry, sigstore] = await Promise.all([startRegistryDouble(), testSigstore()]);
    // A multi-platform index, as docker/build-push-action pushes it: its own digest is what is attested.
    digest = registry.publish(REPOSITORY_NAME, VERSION, {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: `sha256:${"1".repeat(64)}`,
          size: 1234,
          platform: { os: "linux", architecture: "amd64" },
        },
      ],
    });
  });
  after(async () => {
    await registry.close();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  const attest = (changes: Partial<AttestOptions> = {}) =>
    sigstore.attest({ subjectName: IMAGE, digest, predicateType: SLSA_V1, san: RELEASE_SAN, issuer: ISSUER, ...changes });

  /** Serves `bundles` as the attestations of the image's digest (undefined: a 404). */
  function serve(bundles: unknown[] | undefined): void {
    registry.attestations.clear();
    if (bundles)
      registry.attestations.set(`DiamondLightSource/smartem-decisions/${digest}`, {
        status: 200,
        body: { attestations: bundles.map((bundle) => ({ bundle, repository_id: 1 })) },
      });
  }

  /** Runs the bump on a temporary copy of `text` as the staging file; returns the result and the file after. */
  async function bump(text: string, version = VERSION, options: Partial<VerifiedBumpOptions> = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verified-pin-"));
    dirs.push(dir);
    const file = path.join(dir, "Pulumi.staging.yaml");
    fs.writeFileSync(file, text);
    const result = await verifiedBump("staging", version, {
      root: dir,
      sources: { registryBase: registry.base, githubApi: registry.base, trustedRoot: async () => sigstore.trustedRoot },
      ...options,
    });
    return { result, after: fs.readFileSync(file, "utf8"), dir };
  }

  async function expectRefused(text: string, pattern: RegExp) {
    const { result, after } = await bump(text);
    expect(result.ok, JSON.stringify(result)).to.equal(false);
    expect(!result.ok && result.problems.join("\n")).to.match(pattern);
    expect(after, "the stack file is byte-for-byte as it was").to.equal(text);
    return result;
  }

  it("pins a version whose image provenance verifies, with its digest beside the version", async () => {
    serve([await attest()]);
    const { result, after } = await bump(STAGING);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.ok && result.pin.verifiedSigner?.subjectAlternativeName).to.equal(RELEASE_SAN);
    expect(after).to.equal(
      STAGING.replace(
        "  smartem:backendVersion: 0.1.0   # moved by npm run bump\n",
        `  smartem:backendVersion: 0.2.0   # moved by npm run bump\n  smartem:backendImageDigests:\n    "0.2.0": ${digest}\n`,
      ),
    );
    // The anonymous token dance of ghcr.io: a 401, a token, the manifest; then the attestations.
    expect(registry.requests.slice(-4)).to.deep.equal([
      `GET /v2/${REPOSITORY_NAME}/manifests/${VERSION}`,
      "GET /token",
      `GET /v2/${REPOSITORY_NAME}/manifests/${VERSION}`,
      `GET /repos/DiamondLightSource/smartem-decisions/attestations/${digest}`,
    ]);

    // The program runs exactly those bytes: the migration Job and both Deployments.
    const file = parseStackFile("staging", after);
    const rendered = await evaluate({
      stack: "staging",
      config: file.config,
      secretKeys: file.secretKeys,
      stackReferences: offlineStackReferences("staging"),
    });
    const workloads = [
      objectNamed(rendered, "Deployment", OBJECT_NAMES.api),
      objectNamed(rendered, "Deployment", OBJECT_NAMES.worker),
      ...objectsOfKind(rendered, "Job"),
    ];
    expect(objectsOfKind(rendered, "Job")).to.have.length(1);
    for (const w of workloads) expect(podTemplate(w).spec.containers[0].image, w.kind).to.equal(`${IMAGE}:${VERSION}@${digest}`);
  });

  it("keeps the digests of other versions and records the new one in the same map", async () => {
    serve([await attest()]);
    const old = `sha256:${"c".repeat(64)}`;
    const text = STAGING.replace(
      /^( {2}smartem:backendVersion: .*\n)/m,
      `$1  smartem:backendImageDigests:\n    "0.1.0": ${old} # the bytes staging ran\n`,
    );
    const { result, after } = await bump(text);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(YAML.parse(after).config[KEY.backendImageDigests]).to.deep.equal({ "0.1.0": old, [VERSION]: digest });
    expect(after).to.contain(`"0.1.0": ${old} # the bytes staging ran\n    "0.2.0": ${digest}\n`);
  });

  it("refuses a bundle whose signature was tampered with", async () => {
    const bundle = (await attest()) as any;
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, "base64");
    sig[sig.length - 1] ^= 0xff;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString("base64");
    serve([bundle]);
    await expectRefused(STAGING, /signature invalid: it does not verify against the Sigstore trusted root/);
  });

  it("refuses another image's attestation whose statement was rewritten to name this digest", async () => {
    const bundle = (await attest({ digest: `sha256:${"e".repeat(64)}` })) as any;
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"));
    statement.subject[0].digest.sha256 = digest.replace("sha256:", "");
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    serve([bundle]);
    await expectRefused(STAGING, /signature invalid: it does not verify against the Sigstore trusted root/);
  });

  it("refuses a bundle signed by another Sigstore than the trusted root", async () => {
    const stranger = await testSigstore();
    serve([await stranger.attest({ subjectName: IMAGE, digest, predicateType: SLSA_V1, san: RELEASE_SAN, issuer: ISSUER })]);
    await expectRefused(STAGING, /signature invalid/);
  });

  it("refuses an attestation about another digest", async () => {
    const other = `sha256:${"e".repeat(64)}`;
    serve([await attest({ digest: other })]);
    await expectRefused(STAGING, new RegExp(`wrong subject: the statement is about ${IMAGE}@${other}, not ${digest}`));
  });

  it("refuses a predicate that is not SLSA provenance v1", async () => {
    serve([await attest({ predicateType: "https://slsa.dev/provenance/v0.2" })]);
    await expectRefused(
      STAGING,
      /wrong predicate: "https:\/\/slsa.dev\/provenance\/v0.2", expected https:\/\/slsa.dev\/provenance\/v1/,
    );
  });

  it("refuses the identity of another workflow file, naming the expected and the actual identity", async () => {
    const other = `https://github.com/DiamondLightSource/smartem-decisions/.github/workflows/other.yml@refs/tags/smartem-decisions-v${VERSION}`;
    serve([await attest({ san: other })]);
    const result = await expectRefused(STAGING, /wrong identity/);
    expect(!result.ok && result.problems[0]).to.contain(
      `signed by ${other} (issuer ${ISSUER}), expected ${RELEASE_SAN} (issuer ${ISSUER})`,
    );
  });

  it("refuses the release workflow run for a branch instead of the release tag", async () => {
    serve([await attest({ san: `${WORKFLOW}@refs/heads/main` })]);
    await expectRefused(STAGING, new RegExp(`wrong identity: signed by ${WORKFLOW}@refs/heads/main .*expected ${RELEASE_SAN}`));
  });

  it("refuses a certificate from another OIDC issuer", async () => {
    serve([await attest({ issuer: "https://accounts.example.com" })]);
    await expectRefused(STAGING, /wrong identity: .*\(issuer https:\/\/accounts.example.com\)/);
  });

  it("accepts when one of several attestations proves the pin", async () => {
    serve([await attest({ predicateType: "https://spdx.dev/Document/v2.3" }), await attest()]);
    const { result } = await bump(STAGING);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
  });

  it("refuses when the repository has no attestation for the digest (404 or an empty list)", async () => {
    serve(undefined);
    await expectRefused(STAGING, new RegExp(`no attestation for ${digest} in DiamondLightSource/smartem-decisions`));
    serve([]);
    await expectRefused(STAGING, /no attestation for/);
  });

  it("refuses a version whose image tag the registry does not have", async () => {
    serve([await attest()]);
    const { result, after } = await bump(STAGING, "0.3.0");
    expect(!result.ok && result.problems.join("\n")).to.match(
      new RegExp(`image digest of ${IMAGE}:0.3.0: ${IMAGE}:0.3.0 does not exist \\(GET .*: 404\\)`),
    );
    expect(after).to.equal(STAGING);
  });

  it("names the URL and the reason when a registry or the attestations API cannot be reached", async () => {
    // A loopback port that was just free: nothing listens there, so the connection is refused.
    const closed = await new Promise<string>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    serve([await attest()]);
    const registryDown = await bump(STAGING, VERSION, {
      sources: { registryBase: closed, githubApi: registry.base, trustedRoot: async () => sigstore.trustedRoot },
    });
    expect(!registryDown.result.ok && registryDown.result.problems.join("\n")).to.match(
      new RegExp(
        `^image digest of ${IMAGE}:${VERSION}: GET ${closed}/v2/\\S+/manifests/${VERSION}: fetch failed: .*ECONNREFUSED`,
      ),
    );
    const apiDown = await bump(STAGING, VERSION, {
      sources: { registryBase: registry.base, githubApi: closed, trustedRoot: async () => sigstore.trustedRoot },
    });
    expect(!apiDown.result.ok && apiDown.result.problems.join("\n")).to.match(
      new RegExp(
        `cannot be read: GET ${closed}/repos/DiamondLightSource/smartem-decisions/attestations/\\S+: fetch failed: .*ECONNREFUSED`,
      ),
    );
    for (const { after } of [registryDown, apiDown]) expect(after).to.equal(STAGING);
  });

  it("applies the version guards before asking the network", async () => {
    const before = registry.requests.length;
    const production = fs.readFileSync(stackFilePath("production"), "utf8").replace(/^ {2}smartem:promoteFrom: .*\n/m, "");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verified-pin-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), production);
    const result = await verifiedBump("production", "0.2.0rc1", {
      root: dir,
      sources: { registryBase: registry.base, githubApi: registry.base },
    });
    expect(!result.ok && result.problems.join("\n")).to.match(/pre-release/);
    expect(registry.requests.length).to.equal(before);
  });

  it("--skip-provenance-check still records the digest, and says loudly that nothing was verified", async () => {
    serve(undefined);
    const { result, after } = await bump(STAGING, VERSION, { skipProvenanceCheck: true });
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.ok && result.pin.verifiedSigner).to.equal(undefined);
    expect(result.ok && result.pin.warnings.join("\n")).to.match(
      new RegExp(`the build provenance of ${IMAGE}:${VERSION}@${digest} was NOT verified`),
    );
    expect(YAML.parse(after).config[KEY.backendImageDigests]).to.deep.equal({ [VERSION]: digest });
  });

  it("records the digest of the version a stack already pins", async () => {
    serve([await attest()]);
    const text = STAGING.replace("smartem:backendVersion: 0.1.0", `smartem:backendVersion: ${VERSION}`);
    const { result, after, dir } = await bump(text);
    expect(result.ok && result.changed).to.equal(true);
    expect(YAML.parse(after).config[KEY.backendImageDigests]).to.deep.equal({ [VERSION]: digest });
    const again = await verifiedBump("staging", VERSION, {
      root: dir,
      sources: { registryBase: registry.base, githubApi: registry.base, trustedRoot: async () => sigstore.trustedRoot },
    });
    expect(again.ok && again.changed).to.equal(false);
  });

  it("from the command line: refuses with what failed, exits 1 and leaves Pulumi.staging.yaml as it was", async () => {
    serve([await attest({ san: `${WORKFLOW}@refs/heads/main` })]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verified-pin-"));
    dirs.push(dir);
    const trustedRoot = path.join(dir, "trusted_root.json");
    fs.writeFileSync(trustedRoot, JSON.stringify(TrustedRoot.toJSON(sigstore.trustedRoot)));
    const staging = stackFilePath("staging");
    const before = fs.readFileSync(staging);
    const args = ["scripts/run.cjs", "scripts/bump.ts", "--stack", "staging", "--version", VERSION];
    args.push("--registry-base", registry.base, "--github-api", registry.base, "--trusted-root", trustedRoot);
    try {
      // Asynchronous: the registry double answers from this process.
      const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, args, { cwd: path.dirname(staging) }, (error, _stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stderr }),
        );
      });
      expect(code, stderr).to.equal(1);
      expect(stderr).to.contain("bump refused: Pulumi.staging.yaml is unchanged.");
      expect(stderr).to.contain(
        `wrong identity: signed by ${WORKFLOW}@refs/heads/main (issuer ${ISSUER}), expected ${RELEASE_SAN}`,
      );
      expect(stderr).not.to.match(/\n\s+at /);
      expect(fs.readFileSync(staging).equals(before), "Pulumi.staging.yaml changed").to.equal(true);
    } finally {
      if (!fs.readFileSync(staging).equals(before)) fs.writeFileSync(staging, before);
    }
  });
});
