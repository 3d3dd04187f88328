/**
 * Container image references and what counts as pinned. Pure: the policies and their
 * tests use it; the smartem image's tag rule comes from the version model.
 */
import { imageTagForVersion } from "../components/version/version";

/** The backend image's repository (without registry host), as every stack deploys it. */
export const SMARTEM_IMAGE_REPOSITORY = "diamondlightsource/smartem-decisions";

export interface ImageReference {
  /** Everything before the tag/digest, e.g. `ghcr.io/diamondlightsource/smartem-decisions`. */
  readonly name: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` when pinned by digest. */
  readonly digest?: string;
}

/** Splits `name[:tag][@digest]`; a `:` before the last `/` belongs to a registry port. */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf("@");
  const beforeDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = beforeDigest.lastIndexOf(":");
  const hasTag = colon > beforeDigest.lastIndexOf("/");
  return {
    name: hasTag ? beforeDigest.slice(0, colon) : beforeDigest,
    ...(hasTag ? { tag: beforeDigest.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** True for the smartem-decisions backend image, on any registry. */
export function isSmartemImage(ref: ImageReference): boolean {
  const name = ref.name.toLowerCase();
  return name === SMARTEM_IMAGE_REPOSITORY || name.endsWith(`/${SMARTEM_IMAGE_REPOSITORY}`);
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/**
 * An exact version tag: at least two numeric components (`16.4`, `v1.2.3`,
 * `4.1.4-management-alpine`). A bare major (`16`, `16-alpine`) or a word (`latest`,
 * `stable`) moves under you, so it is not a pin.
 */
const EXACT_VERSION_TAG = /^v?\d+(\.\d+)+([-_.+][A-Za-z0-9][A-Za-z0-9_.-]*)?$/;

/**
 * Why `image` is not pinned, or undefined when it is. The smartem image must carry a
 * deployable canonical PEP 440 tag (the same text as `smartem:backendVersion`); other
 * images need a digest or an exact version tag.
 */
export function imagePinProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image.length === 0) return "has no image";
  const ref = parseImageReference(image);
  if (ref.digest !== undefined && !DIGEST.test(ref.digest)) {
    return `image ${image} has a malformed digest; expected sha256:<64 lower-case hex>`;
  }
  if (isSmartemImage(ref)) {
    if (ref.tag === undefined) return `image ${image} is untagged; tag it with the released version, e.g. ${ref.name}:0.1.1`;
    try {
      if (imageTagForVersion(ref.tag) === ref.tag) return undefined;
    } catch (error) {
      return `image ${image}: tag ${JSON.stringify(ref.tag)} is not a released version (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (ref.tag === "latest") return `image ${image} uses the mutable tag "latest"; pin an exact version or a digest`;
  if (ref.digest !== undefined) return undefined;
  if (ref.tag === undefined) return `image ${image} is untagged (that is "latest"); pin an exact version or a digest`;
  if (!EXACT_VERSION_TAG.test(ref.tag)) {
    return `image ${image}: tag ${JSON.stringify(ref.tag)} is not an exact version (e.g. 16.4 or 4.1.4-alpine); pin an exact version or a digest`;
  }
  return undefined;
}
