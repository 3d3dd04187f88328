/**
 * The target repository's release side as `npm run bump` meets it: the backend image in an
 * OCI registry and its build-provenance attestations (the loopback double of
 * test/support/registry-double.ts), signed by a Sigstore of our own (test/support/sigstore.ts)
 * whose trusted root bump is handed with `--trusted-root`. bump runs as a user runs it, from
 * the project copy, and edits that copy's stack file.
 */
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OCI_INDEX, RegistryDouble, startRegistryDouble } from "../../test/support/registry-double";
import { TestSigstore, testSigstore } from "../../test/support/sigstore";
import type { PulumiWorkspace } from "./pulumi";
import { Finished, runToEnd } from "./spawn";

/** The image's repository in its registry (ghcr.io/diamondlightsource/smartem-decisions). */
const REPOSITORY = "diamondlightsource/smartem-decisions";
const ATTESTATIONS_OF = "DiamondLightSource/smartem-decisions";
// What GitHub writes into the certificate of the target repository's release run for a tag:
// typed out here, so the scenario checks the identity bump derives from the workflow model.
const RELEASE_WORKFLOW =
  "https://github.com/DiamondLightSource/smartem-decisions/.github/workflows/release-smartem-decisions.yml";
export const releaseRunIdentity = (version: string): string => `${RELEASE_WORKFLOW}@refs/tags/smartem-decisions-v${version}`;
export const branchRunIdentity = `${RELEASE_WORKFLOW}@refs/heads/main`;
const ISSUER = "https://token.actions.githubusercontent.com";
const SLSA_V1 = "https://slsa.dev/provenance/v1";

export class ReleaseSide {
  private constructor(
    private readonly registry: RegistryDouble,
    private readonly sigstore: TestSigstore,
    private readonly dir: string,
  ) {}

  static async start(): Promise<ReleaseSide> {
    const [registry, sigstore] = await Promise.all([startRegistryDouble(), testSigstore()]);
    const dir = mkdtempSync(path.join(tmpdir(), "smartem-e2e-release."));
    writeFileSync(path.join(dir, "trusted_root.json"), JSON.stringify(TrustedRoot.toJSON(sigstore.trustedRoot)));
    return new ReleaseSide(registry, sigstore, dir);
  }

  /**
   * Pushes `version`'s multi-platform index (the same bytes, so the same digest, every time)
   * and serves one attestation of its digest, signed by `signer`; returns the digest.
   */
  async publish(version: string, signer: string = releaseRunIdentity(version)): Promise<string> {
    const digest = this.registry.publish(REPOSITORY, version, {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: `sha256:${createHash("sha256").update(`linux/amd64 ${version}`).digest("hex")}`,
          size: 1234,
          platform: { os: "linux", architecture: "amd64" },
        },
      ],
    });
    const bundle = await this.sigstore.attest({
      subjectName: `ghcr.io/${REPOSITORY}`,
      digest,
      predicateType: SLSA_V1,
      san: signer,
      issuer: ISSUER,
    });
    this.registry.attestations.set(`${ATTESTATIONS_OF}/${digest}`, {
      status: 200,
      body: { attestations: [{ bundle, repository_id: 1 }] },
    });
    return digest;
  }

  /** `npm run bump -- --stack <stack> --version <version>` in the project copy, against this release side. */
  bump(workspace: PulumiWorkspace, stack: string, version: string): Promise<Finished> {
    const args = ["scripts/run.cjs", "scripts/bump.ts", "--stack", stack, "--version", version];
    args.push("--registry-base", this.registry.base, "--github-api", this.registry.base);
    args.push("--trusted-root", path.join(this.dir, "trusted_root.json"));
    // Asynchronous: the doubles answer from this process.
    return runToEnd(process.execPath, args, { cwd: workspace.projectDir, env: workspace.env });
  }

  async close(): Promise<void> {
    await this.registry.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts a release side for `run` and stops it afterwards, whatever happens. */
export async function withReleaseSide<T>(run: (side: ReleaseSide) => Promise<T>): Promise<T> {
  const side = await ReleaseSide.start();
  try {
    return await run(side);
  } finally {
    await side.close();
  }
}
