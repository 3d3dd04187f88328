/**
 * A loopback stand-in for an OCI registry that hands out anonymous pull tokens the way
 * ghcr.io does (401 + `WWW-Authenticate: Bearer realm=.../token`), and for GitHub's
 * attestations API. Listens on 127.0.0.1 at a random port; `close()` stops it.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

export interface RegistryDouble {
  /** `http://127.0.0.1:<port>`: the registry base and the GitHub API base alike. */
  readonly base: string;
  /** Publishes a manifest under `<name>:<tag>` and returns its digest. */
  readonly publish: (name: string, tag: string, manifest: object) => string;
  /** What `GET /repos/<owner>/<repo>/attestations/<digest>` answers; unset: 404. */
  readonly attestations: Map<string, { readonly status: number; readonly body: unknown }>;
  /** Every request as `<method> <path>`, in order. */
  readonly requests: string[];
  readonly close: () => Promise<void>;
}

export async function startRegistryDouble(): Promise<RegistryDouble> {
  const manifests = new Map<string, Buffer>();
  const attestations = new Map<string, { status: number; body: unknown }>();
  const requests: string[] = [];
  let base = "";
  const tokenFor = (scope: string): string => `anonymous ${scope}`;

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", base);
    requests.push(`${request.method} ${url.pathname}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };

    if (url.pathname === "/token")
      return json(200, { token: Buffer.from(tokenFor(url.searchParams.get("scope") ?? "")).toString("base64") });

    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const [, name, reference] = manifest as unknown as [string, string, string];
      const scope = `repository:${name}:pull`;
      if (request.headers.authorization !== `Bearer ${Buffer.from(tokenFor(scope)).toString("base64")}`) {
        return json(
          401,
          { errors: [{ code: "UNAUTHORIZED" }] },
          { "www-authenticate": `Bearer realm="${base}/token",service="registry.test",scope="${scope}"` },
        );
      }
      const body = manifests.get(`${name}:${reference}`);
      if (!body) return json(404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
      const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      response
        .writeHead(200, { "content-type": OCI_INDEX, "docker-content-digest": digest })
        .end(request.method === "HEAD" ? undefined : body);
      return;
    }

    const attestation = /^\/repos\/([^/]+)\/([^/]+)\/attestations\/([^/]+)$/.exec(url.pathname);
    const answer = attestation && attestations.get(`${attestation[1]}/${attestation[2]}/${attestation[3]}`);
    if (answer) return json(answer.status, answer.body);
    return json(404, { message: "Not Found" });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    publish: (name, tag, manifest) => {
      const body = Buffer.from(JSON.stringify(manifest));
      manifests.set(`${name}:${tag}`, body);
      return `sha256:${createHash("sha256").update(body).digest("hex")}`;
    },
    attestations,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
