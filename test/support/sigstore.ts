/**
 * A Sigstore of our own for tests: a certificate authority with a CT log, a transparency
 * log (@sigstore/mock) and the trusted root that names them. `attest` signs an in-toto
 * statement the way actions/attest-build-provenance does (a DSSE envelope, a Fulcio-style
 * certificate for a workflow identity, a Rekor dsse entry with its signed timestamp and
 * inclusion proof) and returns the bundle as JSON, as GitHub's attestations API serves it.
 */
import { bundleToJSON, toDSSEBundle } from "@sigstore/bundle";
import type { SerializedBundle } from "@sigstore/bundle";
import { dsse } from "@sigstore/core";
import { initializeCA, initializeCTLog, initializeTLog } from "@sigstore/mock";
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from "@sigstore/protobuf-specs";
import * as crypto from "node:crypto";

const ISSUER_OID = "1.3.6.1.4.1.57264.1.8";
const IN_TOTO = "application/vnd.in-toto+json";
const REKOR_URL = "https://rekor.sigstore.dev";

export interface AttestOptions {
  readonly subjectName: string;
  /** `sha256:<hex>`. */
  readonly digest: string;
  readonly predicateType: string;
  /** The certificate's subject alternative name (a workflow identity). */
  readonly san: string;
  readonly issuer: string;
}

export interface TestSigstore {
  readonly trustedRoot: TrustedRoot;
  readonly attest: (options: AttestOptions) => Promise<SerializedBundle>;
}

const keyPair = (): crypto.KeyPairKeyObjectResult => crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const spki = (key: crypto.KeyObject): Buffer => key.export({ format: "der", type: "spki" });
const bytes = (view: ArrayBufferView): Buffer => Buffer.from(view.buffer, view.byteOffset, view.byteLength);

export async function testSigstore(): Promise<TestSigstore> {
  const ctLogKeys = keyPair();
  const tlogKeys = keyPair();
  const ctLog = await initializeCTLog(ctLogKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const tlog = await initializeTLog(REKOR_URL, tlogKeys);
  const p256 = PublicKeyDetails.PKIX_ECDSA_P256_SHA_256;

  const trustedRoot: TrustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: REKOR_URL,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: { rawBytes: spki(tlogKeys.publicKey), keyDetails: p256, validFor: undefined },
        logId: { keyId: crypto.createHash("sha256").update(spki(tlogKeys.publicKey)).digest() },
        checkpointKeyId: undefined,
        operator: "test",
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "sigstore" },
        uri: "https://fulcio.sigstore.dev",
        certChain: { certificates: [{ rawBytes: bytes(ca.rootCertificate) }] },
        validFor: undefined,
        operator: "test",
      },
    ],
    ctlogs: [
      {
        baseUrl: "https://ctfe.sigstore.dev",
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: { rawBytes: ctLog.publicKey, keyDetails: p256, validFor: undefined },
        logId: { keyId: bytes(ctLog.logID) },
        checkpointKeyId: undefined,
        operator: "test",
      },
    ],
    timestampAuthorities: [],
  };

  async function attest(options: AttestOptions): Promise<SerializedBundle> {
    const signer = keyPair();
    const certificate = bytes(
      await ca.issueCertificate({
        publicKey: new Uint8Array(spki(signer.publicKey)),
        subjectAltName: options.san,
        extensions: [{ oid: ISSUER_OID, value: options.issuer }],
      }),
    );
    const [workflowUrl, ref] = options.san.split("@");
    const statement = {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: options.subjectName, digest: { sha256: options.digest.replace(/^sha256:/, "") } }],
      predicateType: options.predicateType,
      predicate: {
        buildDefinition: {
          buildType: "https://actions.github.io/buildtypes/workflow/v1",
          externalParameters: {
            workflow: { ref, repository: workflowUrl?.split("/.github/")[0], path: workflowUrl?.split(/\/(?=\.github\/)/)[1] },
          },
        },
        runDetails: { builder: { id: options.san } },
      },
    };
    const payload = Buffer.from(JSON.stringify(statement));
    const signature = crypto.sign("sha256", dsse.preAuthEncoding(IN_TOTO, payload), signer.privateKey);

    // The Rekor dsse 0.0.1 entry for this envelope, as the log canonicalizes it.
    const pem = `-----BEGIN CERTIFICATE-----\n${certificate.toString("base64")}\n-----END CERTIFICATE-----\n`;
    const logged = await tlog.log({
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        payloadHash: { algorithm: "sha256", value: crypto.createHash("sha256").update(payload).digest("hex") },
        signatures: [{ signature: signature.toString("base64"), verifier: Buffer.from(pem).toString("base64") }],
      },
    });
    const entry = Object.values(logged)[0] as unknown as {
      body: string;
      integratedTime: number;
      logID: string;
      logIndex: number;
      verification: { signedEntryTimestamp: string; inclusionProof: { treeSize: number; rootHash: string; checkpoint: string } };
    };

    const bundle = toDSSEBundle({ artifact: payload, artifactType: IN_TOTO, signature, certificate });
    bundle.verificationMaterial.tlogEntries.push({
      logIndex: String(entry.logIndex),
      logId: { keyId: Buffer.from(entry.logID, "hex") },
      kindVersion: { kind: "dsse", version: "0.0.1" },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: { signedEntryTimestamp: Buffer.from(entry.verification.signedEntryTimestamp, "base64") },
      inclusionProof: {
        logIndex: "0",
        rootHash: Buffer.from(entry.verification.inclusionProof.rootHash, "hex"),
        treeSize: String(entry.verification.inclusionProof.treeSize),
        hashes: [],
        checkpoint: { envelope: entry.verification.inclusionProof.checkpoint },
      },
      canonicalizedBody: Buffer.from(entry.body, "base64"),
    });
    return bundleToJSON(bundle);
  }

  return { trustedRoot, attest };
}
