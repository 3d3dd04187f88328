/**
 * What the build provenance of a released container image must say, read off the same
 * release plan that generates the workflow: which image the workflow attests, with which
 * predicate, and the identity GitHub Actions signs that attestation with (the release
 * workflow file of the package's repository, run for the release tag). `npm run bump`
 * verifies a version's image against this before it pins the image's digest.
 */
import { action } from "../actions/pins";
import { Step, UsesStep } from "../actions/model";
import { tagForVersion } from "../version/version";
import { workflowPath } from "./package";
import { ReleasePlan } from "./release-workflow";

/** Where GitHub Actions' OIDC tokens come from: Fulcio writes it into every signing certificate. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** The predicate actions/attest-build-provenance attests: SLSA build provenance v1. */
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

/** The GitHub server the workflows run on; the signer identity is a URL under it. */
const GITHUB_SERVER = "https://github.com";

/** The signing certificate's identity of an attestation made by a GitHub Actions workflow. */
export interface SignerIdentity {
  /** Subject alternative name: `https://github.com/<owner>/<repo>/.github/workflows/<file>@<ref>`. */
  readonly subjectAlternativeName: string;
  /** OIDC issuer (Fulcio's issuer extension). */
  readonly issuer: string;
}

/** The attested container image of one package's release workflow. */
export interface ImageProvenance {
  /** The image the workflow pushes and attests, without tag (the attest step's `subject-name`). */
  readonly image: string;
  /** The repository the workflow runs in, `<owner>/<repo>`; its attestations API holds the bundles. */
  readonly owner: string;
  readonly repository: string;
  /** The in-toto predicate type of the attestation. */
  readonly predicateType: string;
  /** The identity that signs the attestation of `version`'s image: the workflow at its release tag. */
  readonly signer: (version: string) => SignerIdentity;
}

function isAttestStep(step: Step): step is UsesStep {
  return "uses" in step && step.uses.action === action("attestBuildProvenance").action;
}

/**
 * The image provenance of a release plan, or undefined when its workflow attests no image.
 * `owner` is the GitHub owner the workflow is committed under (`smartem:githubOwner`).
 */
export function imageProvenance(plan: ReleasePlan, owner: string): ImageProvenance | undefined {
  // The attestation of an image names its subject (and digest); those of files give a path.
  const attest = plan.jobs
    .flatMap((p) => p.job.steps)
    .filter(isAttestStep)
    .find((step) => typeof step.with?.["subject-name"] === "string");
  const image = attest?.with?.["subject-name"];
  if (typeof image !== "string") return undefined;
  const workflow = `${GITHUB_SERVER}/${owner}/${plan.pkg.repository}/${workflowPath(plan.pkg)}`;
  return {
    image,
    owner,
    repository: plan.pkg.repository,
    predicateType: SLSA_PROVENANCE_V1,
    signer: (version) => ({
      subjectAlternativeName: `${workflow}@refs/tags/${tagForVersion(plan.pkg.tagPrefix, version)}`,
      issuer: GITHUB_ACTIONS_ISSUER,
    }),
  };
}
