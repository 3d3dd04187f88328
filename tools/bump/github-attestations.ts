/**
 * The Sigstore bundles GitHub stores for an artifact digest in one repository
 * (`GET /repos/{owner}/{repo}/attestations/{subject_digest}`; anonymous for public repositories).
 * Only fetched here: whether they prove anything is decided by provenance-check.ts.
 */

import { httpGet } from "./http";

/** The API answered something other than a list of attestations (or a 404: none). */
export class AttestationsApiError extends Error {}

export interface AttestationsQuery {
  /**
   * The REST API's base URL; tests point it at a loopback server.
   * @default https://api.github.com
   */
  readonly apiBase?: string;
  readonly owner: string;
  readonly repository: string;
  /** `sha256:<hex>`. */
  readonly digest: string;
  /** Sent as a Bearer token when set (anonymous callers share a low rate limit). */
  readonly token?: string;
}

export interface FetchedAttestations {
  /** The URL asked, for messages. */
  readonly url: string;
  /** The inline bundles, as JSON. */
  readonly bundles: readonly unknown[];
  /** Entries that carried no inline bundle. */
  readonly withoutBundle: number;
}

export const GITHUB_API = "https://api.github.com";
/** The REST API version whose listing carries each bundle inline. */
const API_VERSION = "2022-11-28";

export async function fetchAttestations(query: AttestationsQuery): Promise<FetchedAttestations> {
  const base = (query.apiBase ?? GITHUB_API).replace(/\/+$/, "");
  const url = `${base}/repos/${query.owner}/${query.repository}/attestations/${query.digest}?per_page=100`;
  const response = await httpGet(
    url,
    {
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": API_VERSION,
        ...(query.token ? { authorization: `Bearer ${query.token}` } : {}),
      },
    },
    (m) => new AttestationsApiError(m),
  );
  if (response.status === 404) {
    await response.body?.cancel();
    return { url, bundles: [], withoutBundle: 0 };
  }
  if (!response.ok) throw new AttestationsApiError(`GET ${url}: ${response.status} ${response.statusText}`);
  const body = (await response.json()) as { attestations?: unknown };
  if (!Array.isArray(body.attestations)) throw new AttestationsApiError(`GET ${url}: the answer has no attestations list`);
  const entries = body.attestations as Array<{ bundle?: unknown }>;
  const bundles = entries.map((a) => a?.bundle).filter((b) => b !== undefined && b !== null);
  return { url, bundles, withoutBundle: entries.length - bundles.length };
}
