/**
 * A verified pin: before `npm run bump` writes a version, it resolves the digest of that
 * version's image in the registry and verifies the image's build provenance: a Sigstore
 * bundle from the repository's attestations that verifies against the trusted root, whose
 * in-toto subject is that digest, whose predicate is SLSA provenance v1 and whose signer is
 * the release workflow of this project's package model at the version's release tag
 * (components/release/image-provenance.ts). Only then is the version written, with its
 * digest in `smartem:backendImageDigests`; any failure leaves the stack file as it was.
 */
import * as fs from "node:fs";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { getTrustedRoot } from "@sigstore/tuf";
import { RawConfig } from "../../components/config/keys";
import { KEY, StackConfig, loadStackConfig } from "../../components/program-config";
import { checkVersionGuards } from "../../components/backend/guards";
import { ImageProvenance, SignerIdentity, imageProvenance } from "../../components/release/image-provenance";
import { releasePlan } from "../../components/release/release-workflow";
import { imageTagForVersion } from "../../components/version/version";
import { PROJECT_ROOT, parseStackFile } from "../engine/stack-file";
import { BumpResult, VersionGuards, bumpStackFile, planBump, stackText } from "./bump";
import { fetchAttestations } from "./github-attestations";
import { resolveImageDigest } from "./oci-registry";
import { checkProvenance } from "./provenance-check";
import { errorMessage } from "./http";

/** Where the digest and the attestations come from, and what they are verified against. */
export interface PinSources {
  /**
   * Base URL of the image's registry (`--registry-base`).
   * @default `https://<registry host of smartem:backendImage>`
   */
  readonly registryBase?: string;
  /**
   * Base URL of the GitHub REST API (`--github-api`).
   * @default https://api.github.com
   */
  readonly githubApi?: string;
  /**
   * Token for the attestations API (`GITHUB_TOKEN`); public repositories need none.
   * @default none (anonymous)
   */
  readonly githubToken?: string;
  /**
   * The Sigstore trusted root (`--trusted-root <file>`).
   * @default Sigstore's public-good root, fetched and checked through TUF (@sigstore/tuf)
   */
  readonly trustedRoot?: () => Promise<TrustedRoot>;
}

export type PinVerdict =
  | {
      readonly ok: true;
      /** `<image>:<tag>` that was resolved. */
      readonly reference: string;
      readonly digest: string;
      /** The identity whose attestation was verified; undefined when the check was skipped. */
      readonly verifiedSigner?: SignerIdentity;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/** A trusted root in Sigstore's JSON form, e.g. the `trusted_root.json` of a private Sigstore. */
export function trustedRootFromFile(file: string): () => Promise<TrustedRoot> {
  return async () => {
    try {
      return TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(file, "utf8")));
    } catch (error) {
      throw new Error(`--trusted-root ${file}: not a readable Sigstore trusted root: ${errorMessage(error)}`, { cause: error });
    }
  };
}

/** The release workflow that attests the stack's backend image, from the stack's own package model. */
function provenanceOf(config: StackConfig): ImageProvenance | string {
  const attested = config.packages.flatMap((pkg) => imageProvenance(releasePlan(pkg), config.githubOwner) ?? []);
  return (
    attested.find((p) => p.image === config.backendImage) ??
    `${KEY.backendImage} = ${config.backendImage}: no release workflow of ${KEY.packages} attests this image ` +
      `(they attest: ${attested.map((p) => p.image).join(", ") || "none"}), so its provenance cannot be verified`
  );
}

/**
 * Resolves and verifies the image of `version` for a stack whose config is `config`.
 * `skipProvenanceCheck` resolves the digest only and says so in a warning.
 */
export async function verifyPin(
  config: StackConfig,
  version: string,
  sources: PinSources,
  skipProvenanceCheck = false,
): Promise<PinVerdict> {
  const reference = `${config.backendImage}:${imageTagForVersion(version)}`;
  const provenance = provenanceOf(config);
  if (typeof provenance === "string" && !skipProvenanceCheck)
    return { ok: false, problems: [`${provenance}; --skip-provenance-check pins it unverified`] };

  let digest: string;
  try {
    digest = await resolveImageDigest({
      image: config.backendImage,
      tag: imageTagForVersion(version),
      ...(sources.registryBase ? { registryBase: sources.registryBase } : {}),
    });
  } catch (error) {
    return { ok: false, problems: [`image digest of ${reference}: ${errorMessage(error)}`] };
  }
  if (skipProvenanceCheck || typeof provenance === "string") {
    const why = typeof provenance === "string" ? provenance : "--skip-provenance-check";
    return {
      ok: true,
      reference,
      digest,
      warnings: [
        `the build provenance of ${reference}@${digest} was NOT verified (${why}): the pin trusts whoever could push that tag`,
      ],
    };
  }

  const pinned = `${config.backendImage}@${digest}`;
  const where = `${provenance.owner}/${provenance.repository}`;
  let fetched;
  try {
    fetched = await fetchAttestations({
      owner: provenance.owner,
      repository: provenance.repository,
      digest,
      ...(sources.githubApi ? { apiBase: sources.githubApi } : {}),
      ...(sources.githubToken ? { token: sources.githubToken } : {}),
    });
  } catch (error) {
    return {
      ok: false,
      problems: [`provenance of ${pinned}: the attestations of ${where} cannot be read: ${errorMessage(error)}`],
    };
  }
  if (fetched.bundles.length === 0) {
    const extra =
      fetched.withoutBundle > 0 ? ` (${fetched.withoutBundle} without an inline bundle, which this check cannot read)` : "";
    return {
      ok: false,
      problems: [`provenance of ${pinned}: no attestation for ${digest} in ${where}${extra} (GET ${fetched.url})`],
    };
  }

  let root: TrustedRoot;
  try {
    root = await (sources.trustedRoot ?? (() => getTrustedRoot()))();
  } catch (error) {
    return { ok: false, problems: [`provenance of ${pinned}: no Sigstore trusted root: ${errorMessage(error)}`] };
  }
  const verdict = checkProvenance(
    fetched.bundles,
    { digest, predicateType: provenance.predicateType, signer: provenance.signer(version) },
    root,
  );
  if (!verdict.ok) return { ok: false, problems: verdict.problems.map((p) => `provenance of ${pinned}: ${p}`) };
  return { ok: true, reference, digest, verifiedSigner: verdict.signer, warnings: [] };
}

export interface VerifiedBumpOptions {
  readonly sources: PinSources;
  /**
   * Pin the resolved digest without verifying its provenance (`--skip-provenance-check`).
   * @default false
   */
  readonly skipProvenanceCheck?: boolean;
  /** @default the program's own version guards */
  readonly guards?: VersionGuards;
  /** @default this project's root */
  readonly root?: string;
}

export type VerifiedBumpResult =
  (BumpResult & { readonly ok: true; readonly pin: Extract<PinVerdict, { ok: true }> }) | Extract<BumpResult, { ok: false }>;

/**
 * The whole verified bump on the stack files under `root`: the version guards first (offline),
 * then the digest and its provenance (network), then the one write of the version and its digest.
 */
export async function verifiedBump(stack: string, version: string, options: VerifiedBumpOptions): Promise<VerifiedBumpResult> {
  const guards = options.guards ?? checkVersionGuards;
  const root = options.root ?? PROJECT_ROOT;
  const planned = planBump({ stack, version, readStackText: (name) => stackText(name, root) }, guards);
  if (!planned.ok) return planned;

  const file = parseStackFile(stack, planned.text);
  const config = loadStackConfig(file.config as RawConfig, new Set(file.secretKeys));
  const pin = await verifyPin(config, version, options.sources, options.skipProvenanceCheck);
  if (!pin.ok) return pin;

  const written = bumpStackFile(stack, version, guards, root, pin.digest);
  return written.ok ? { ...written, pin } : written;
}
