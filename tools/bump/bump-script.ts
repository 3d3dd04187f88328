/** The `npm run bump` script, defined apart from its entry point so that tests can run it in-process. */
import * as path from "node:path";
import { defineScript } from "../cli";

/** `npm run bump`: its command line and body (scripts/bump.ts runs it). */
export const bumpScript = defineScript({
  name: "bump",
  spec: {
    command: "npm run bump --",
    summary: [
      "Moves one stack's backend to another release: checks the stack's version guards (pre-releases,",
      "downgrades, promotion from the source stack), resolves the digest of the version's image and",
      "verifies its build provenance (a Sigstore attestation of that digest, SLSA provenance v1, signed",
      "by the package's release workflow at the release tag), then rewrites only smartem:backendVersion",
      "and its digest in smartem:backendImageDigests in Pulumi.<stack>.yaml, keeping comments and layout,",
      "and prints the next steps. Refused: the file is left as it was and the reason is printed.",
      'See docs/operations.md, "Bumping the backend version" and "Pinning a version".',
    ].join("\n"),
    options: {
      stack: { type: "string", help: "the stack: Pulumi.<stack>.yaml in the project folder" },
      version: { type: "string", help: "the release to run, PEP 440, e.g. 0.1.1 or 0.1.1rc52" },
      "skip-provenance-check": {
        type: "boolean",
        help: "EMERGENCY ONLY: pin the digest without verifying who built the image (prints a warning)",
      },
      "registry-base": { type: "string", help: "the image registry's base URL (default https://<registry host>)" },
      "github-api": { type: "string", help: "the GitHub REST API's base URL (default https://api.github.com)" },
      "trusted-root": { type: "string", help: "a Sigstore trusted_root.json (default: the public-good root via TUF)" },
    },
    required: ["stack", "version"],
  },
  main: async (values) => {
    const [{ KEY }, { trustedRootFromFile, verifiedBump }, { stackFilePath }] = await Promise.all([
      import("../../components/program-config"),
      import("./verified-pin"),
      import("../engine/stack-file"),
    ]);
    const { stack = "", version = "" } = values;
    const file = path.basename(stackFilePath(stack));
    const token = process.env.GITHUB_TOKEN;
    const result = await verifiedBump(stack, version, {
      skipProvenanceCheck: values["skip-provenance-check"] === true,
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
    for (const warning of [...result.warnings, ...result.pin.warnings]) console.error(`WARNING: ${warning}`);
    for (const caveat of result.caveats) console.log(`offline: ${caveat}`);
    const { verifiedSigner, reference, digest } = result.pin;
    if (verifiedSigner)
      console.log(`verified: ${reference}@${digest}, built and attested by ${verifiedSigner.subjectAlternativeName}`);
    if (!result.changed) {
      console.log(`${file} already pins ${KEY.backendVersion}: ${result.to} with that digest; nothing changed.`);
      return 0;
    }
    const move =
      result.from === result.to
        ? `${KEY.backendVersion} stays ${result.to}`
        : `${KEY.backendVersion} ${result.from} -> ${result.to}`;
    console.log(`${file}: ${move}, ${KEY.backendImageDigests}["${result.to}"] = ${digest}`);
    console.log("Next steps:");
    result.nextSteps.forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
    return 0;
  },
});
