import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { RegistryError, bearerChallenge, resolveImageDigest } from "../../../tools/bump/oci-registry";
import { rejection } from "../../support/refusals";

/** A loopback server answering every request with `answer`; stopped after the test. */
async function serving(answer: (response: http.ServerResponse) => void): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("OCI registry: the digest a tag names", () => {
  it("reads the Bearer challenge ghcr.io sends", () => {
    expect(
      bearerChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:diamondlightsource/smartem-decisions:pull"',
      ),
    ).to.deep.equal({
      realm: "https://ghcr.io/token",
      service: "ghcr.io",
      scope: "repository:diamondlightsource/smartem-decisions:pull",
    });
    expect(bearerChallenge('Basic realm="registry"')).to.equal(undefined);
    expect(bearerChallenge(null)).to.equal(undefined);
  });

  it("refuses a Docker-Content-Digest that is not the digest of the bytes sent", async () => {
    const server = await serving((response) =>
      response.writeHead(200, { "docker-content-digest": `sha256:${"0".repeat(64)}` }).end("{}"),
    );
    try {
      const error = await rejection(resolveImageDigest({ image: "ghcr.io/o/i", tag: "1.0.0", registryBase: server.base }));
      expect(error).to.be.instanceOf(RegistryError);
      expect(error.message).to.match(
        /Docker-Content-Digest sha256:0{64} is not the digest of the manifest it sent \(sha256:44136fa3/,
      );
    } finally {
      await server.close();
    }
  });

  it("refuses a registry that wants credentials, saying that only anonymous pulls are supported", async () => {
    const server = await serving((response) => response.writeHead(401, { "www-authenticate": 'Basic realm="registry"' }).end());
    try {
      const error = await rejection(resolveImageDigest({ image: "ghcr.io/o/i", tag: "1.0.0", registryBase: server.base }));
      expect(error.message).to.match(/401 without a Bearer challenge; only anonymous pulls are supported/);
    } finally {
      await server.close();
    }
  });
});
