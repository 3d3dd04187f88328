/**
 * The digest an image tag points to, read anonymously from an OCI registry (distribution
 * API `GET /v2/<name>/manifests/<tag>`), with the registries' Bearer-token challenge
 * (ghcr.io answers 401 and hands public images a pull token from its `/token` realm).
 *
 * Written on Node's fetch rather than taken from npm: @sigstore/oci signs in with a push
 * probe and needs credentials, and the Docker clients resolve a multi-platform index to one
 * platform's manifest, while the attested digest is the index's own.
 */
import { createHash } from "node:crypto";
import { httpGet } from "./http";

/** Every manifest type a tag may name; without them a registry may convert or refuse. */
const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** A registry answer that leaves no digest; the message says what was asked and what came back. */
export class RegistryError extends Error {}

export interface ImageReference {
  /** `<registry host>/<repository>`, e.g. `ghcr.io/diamondlightsource/smartem-decisions`. */
  readonly image: string;
  readonly tag: string;
  /**
   * The registry's base URL; tests point it at a loopback server.
   * @default `https://<registry host>`
   */
  readonly registryBase?: string;
}

/** Splits `<host>/<name>` (the host is the part before the first `/`). */
function splitImage(image: string): { host: string; name: string } {
  const slash = image.indexOf("/");
  if (slash <= 0) throw new RegistryError(`${image} is not <registry host>/<repository>`);
  return { host: image.slice(0, slash), name: image.slice(slash + 1) };
}

/** The auth-params of a `WWW-Authenticate: Bearer k="v", ...` challenge (RFC 6750, quoted values). */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header ?? "");
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[1]!.matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare!;
  }
  return params;
}

/** An anonymous pull token for `name` from the challenge's realm. */
async function pullToken(challenge: Record<string, string>, name: string, url: string): Promise<string> {
  const realm = challenge.realm;
  if (!realm) throw new RegistryError(`GET ${url}: 401 with a Bearer challenge that names no realm`);
  const tokenUrl = new URL(realm);
  if (challenge.service) tokenUrl.searchParams.set("service", challenge.service);
  tokenUrl.searchParams.set("scope", challenge.scope ?? `repository:${name}:pull`);
  const response = await httpGet(tokenUrl, {}, (m) => new RegistryError(m));
  if (!response.ok)
    throw new RegistryError(
      `GET ${tokenUrl}: ${response.status} ${response.statusText}: no anonymous pull token (is the image private?)`,
    );
  const body = (await response.json()) as { token?: unknown; access_token?: unknown };
  const token = body.token ?? body.access_token;
  if (typeof token !== "string" || token === "") throw new RegistryError(`GET ${tokenUrl}: the answer has no token`);
  return token;
}

/**
 * The `sha256:` digest of the manifest `image:tag` names: computed from the manifest's bytes
 * (a `Docker-Content-Digest` header that says otherwise is refused). Throws a RegistryError
 * when the tag does not exist or the registry cannot be read.
 */
export async function resolveImageDigest(ref: ImageReference): Promise<string> {
  const { host, name } = splitImage(ref.image);
  const base = (ref.registryBase ?? `https://${host}`).replace(/\/+$/, "");
  const url = `${base}/v2/${name}/manifests/${encodeURIComponent(ref.tag)}`;
  const get = (token?: string): Promise<Response> =>
    httpGet(
      url,
      { headers: { accept: MANIFEST_TYPES, ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (m) => new RegistryError(m),
    );

  let response = await get();
  if (response.status === 401) {
    const challenge = bearerChallenge(response.headers.get("www-authenticate"));
    if (!challenge) throw new RegistryError(`GET ${url}: 401 without a Bearer challenge; only anonymous pulls are supported`);
    await response.body?.cancel();
    response = await get(await pullToken(challenge, name, url));
  }
  if (response.status === 404) throw new RegistryError(`${ref.image}:${ref.tag} does not exist (GET ${url}: 404)`);
  if (!response.ok) throw new RegistryError(`GET ${url}: ${response.status} ${response.statusText}`);

  const bytes = Buffer.from(await response.arrayBuffer());
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  const claimed = response.headers.get("docker-content-digest");
  if (claimed !== null && claimed !== digest) {
    throw new RegistryError(`GET ${url}: Docker-Content-Digest ${claimed} is not the digest of the manifest it sent (${digest})`);
  }
  return digest;
}
