/**
 * npm run render -- --stack <name> [--out <dir>]
 * Evaluates the program for Pulumi.<name>.yaml offline, applies the policy pack's
 * policies (a mandatory violation fails the render and writes nothing), and writes the
 * desired state.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { evaluateOffline } from "../components/engine/offline";
import { assertPolicies, formatViolation } from "../components/engine/policy-check";
import { renderFiles, summarize, writeRender } from "../components/engine/render";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, out: { type: "string" } },
    strict: true,
  });
  if (!values.stack) throw new Error("usage: npm run render -- --stack <name> [--out <dir>]");
  const outDir = path.resolve(values.out ?? path.join("out", values.stack));
  const evaluation = await evaluateOffline(values.stack);
  const advisories = await assertPolicies(evaluation);
  for (const advisory of advisories) console.warn(`warning: ${formatViolation(advisory)}`);
  const files = renderFiles(evaluation);
  writeRender(files, outDir);
  console.log(summarize(evaluation, files, outDir));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`render failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
