/**
 * Decides whether a set of Sigstore bundles proves the build provenance of one image digest:
 * the bundle verifies against the trusted root (signature, certificate chain, transparency
 * log, timestamps: @sigstore/verify), its in-toto statement names that digest as subject,
 * its predicate is the expected one, and its certificate names the expected signer.
 * One bundle that passes everything is enough; otherwise every bundle's failures are returned.
 */
import { bundleFromJSON } from "@sigstore/bundle";
import type { TrustedRoot } from "@sigstore/protobuf-specs";
import { Verifier, toSignedEntity, toTrustMaterial } from "@sigstore/verify";
import type { SignerIdentity } from "../../components/release/image-provenance";

/** DSSE payload type of in-toto statements. */
const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";

export interface ProvenanceExpectation {
  /** `sha256:<hex>` of the image. */
  readonly digest: string;
  readonly predicateType: string;
  readonly signer: SignerIdentity;
}

export type ProvenanceVerdict =
  { readonly ok: true; readonly signer: SignerIdentity } | { readonly ok: false; readonly problems: readonly string[] };

interface Statement {
  readonly _type?: unknown;
  readonly subject?: ReadonlyArray<{ readonly name?: unknown; readonly digest?: Record<string, unknown> }>;
  readonly predicateType?: unknown;
}

function describeIdentity(identity: { readonly subjectAlternativeName?: string; readonly issuer?: string }): string {
  return `${identity.subjectAlternativeName ?? "(no subject alternative name)"} (issuer ${identity.issuer ?? "none"})`;
}

/** The failures of one bundle; empty when it proves the expectation. */
function bundleProblems(json: unknown, expected: ProvenanceExpectation, verifier: Verifier): string[] {
  let bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (error) {
    return [`not a Sigstore bundle: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (bundle.content.$case !== "dsseEnvelope" || bundle.content.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return [`not a signed in-toto statement (a DSSE envelope of ${IN_TOTO_PAYLOAD_TYPE})`];
  }

  let signer;
  try {
    signer = verifier.verify(toSignedEntity(bundle));
  } catch (error) {
    const code = (error as { code?: string }).code;
    return [
      `signature invalid: it does not verify against the Sigstore trusted root (${code ? `${code}: ` : ""}${error instanceof Error ? error.message : String(error)})`,
    ];
  }

  // Only now is the payload trusted.
  const problems: string[] = [];
  let statement: Statement;
  try {
    statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString("utf8")) as Statement;
  } catch {
    return ["the signed payload is not JSON"];
  }
  if (statement._type !== IN_TOTO_STATEMENT_V1)
    problems.push(`not an in-toto statement v1: _type is ${JSON.stringify(statement._type)}`);

  const hex = expected.digest.replace(/^sha256:/, "");
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (!subjects.some((s) => s?.digest?.sha256 === hex)) {
    const named = subjects.map((s) => `${String(s?.name)}@sha256:${String(s?.digest?.sha256)}`).join(", ") || "nothing";
    problems.push(`wrong subject: the statement is about ${named}, not ${expected.digest}`);
  }
  if (statement.predicateType !== expected.predicateType) {
    problems.push(`wrong predicate: ${JSON.stringify(statement.predicateType)}, expected ${expected.predicateType}`);
  }
  const actual = { subjectAlternativeName: signer.identity?.subjectAlternativeName, issuer: signer.identity?.extensions?.issuer };
  if (actual.subjectAlternativeName !== expected.signer.subjectAlternativeName || actual.issuer !== expected.signer.issuer) {
    problems.push(`wrong identity: signed by ${describeIdentity(actual)}, expected ${describeIdentity(expected.signer)}`);
  }
  return problems;
}

/** Whether any of `bundles` proves `expected` under `trustedRoot`. */
export function checkProvenance(
  bundles: readonly unknown[],
  expected: ProvenanceExpectation,
  trustedRoot: TrustedRoot,
): ProvenanceVerdict {
  const verifier = new Verifier(toTrustMaterial(trustedRoot));
  const problems: string[] = [];
  for (const [i, json] of bundles.entries()) {
    const found = bundleProblems(json, expected, verifier);
    if (found.length === 0) return { ok: true, signer: expected.signer };
    const label = bundles.length > 1 ? `attestation ${i + 1} of ${bundles.length}: ` : "";
    problems.push(...found.map((p) => label + p));
  }
  return { ok: false, problems };
}
