/**
 * npm run bump -- --stack <name> --version <version> [--skip-provenance-check]
 *   [--registry-base <url>] [--github-api <url>] [--trusted-root <file>]
 * Moves one stack's backend to another release: checks the version guards of that stack,
 * resolves the digest of the version's image and verifies its build provenance
 * (tools/bump/verified-pin.ts), then rewrites only smartem:backendVersion and that
 * version's entry of smartem:backendImageDigests in Pulumi.<name>.yaml (comments and
 * layout kept) and prints the next steps. On refusal the file is left as it was.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BACKEND_VERSION_KEY } from "../tools/bump/bump";
import { IMAGE_DIGESTS_KEY } from "../tools/bump/image-digest-edit";
import { trustedRootFromFile, verifiedBump } from "../tools/bump/verified-pin";
import { stackFilePath } from "../tools/engine/stack-file";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      version: { type: "string" },
      "skip-provenance-check": { type: "boolean", default: false },
      "registry-base": { type: "string" },
      "github-api": { type: "string" },
      "trusted-root": { type: "string" },
    },
    strict: true,
  });
  if (!values.stack || !values.version)
    throw new Error("usage: npm run bump -- --stack <name> --version <version> [--skip-provenance-check]");
  const file = path.basename(stackFilePath(values.stack));
  const token = process.env.GITHUB_TOKEN;
  const result = await verifiedBump(values.stack, values.version, {
    skipProvenanceCheck: values["skip-provenance-check"],
    sources: {
      ...(values["registry-base"] ? { registryBase: values["registry-base"] } : {}),
      ...(values["github-api"] ? { githubApi: values["github-api"] } : {}),
      ...(values["trusted-root"] ? { trustedRoot: trustedRootFromFile(values["trusted-root"]) } : {}),
      ...(token ? { githubToken: token } : {}),
    },
  });
  if (!result.ok) {
    console.error(`bump refused: ${file} is unchanged.`);
    for (const problem of result.problems) console.error(`  - ${problem}`);
    return 1;
  }
  for (const warning of result.pin.warnings) console.error(`WARNING: ${warning}`);
  if (result.pin.verifiedSigner)
    console.log(
      `verified: ${result.pin.reference}@${result.pin.digest}, built and attested by ${result.pin.verifiedSigner.subjectAlternativeName}`,
    );
  if (!result.changed) {
    console.log(`${file} already pins ${BACKEND_VERSION_KEY}: ${result.to} with that digest; nothing changed.`);
    return 0;
  }
  const move =
    result.from === result.to
      ? `${BACKEND_VERSION_KEY} stays ${result.to}`
      : `${BACKEND_VERSION_KEY} ${result.from} -> ${result.to}`;
  console.log(`${file}: ${move}, ${IMAGE_DIGESTS_KEY}["${result.to}"] = ${result.pin.digest}`);
  console.log("Next steps:");
  result.nextSteps.forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bump failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
