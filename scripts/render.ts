/**
 * npm run render -- --stack <name> [--out <dir>]
 * Evaluates the program for Pulumi.<name>.yaml offline, applies the policy pack's
 * policies (a mandatory violation fails the render and writes nothing), and writes the
 * desired state.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { evaluateOffline, offlineCaveats } from "../tools/engine/offline";
import { runRender } from "../tools/render/render-run";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, out: { type: "string" } },
    strict: true,
  });
  if (!values.stack) throw new Error("usage: npm run render -- --stack <name> [--out <dir>]");
  const outDir = path.resolve(values.out ?? path.join("out", values.stack));
  const run = await runRender(await evaluateOffline(values.stack), outDir);
  for (const warning of run.warnings) console.warn(`warning: ${warning}`);
  console.log(run.summary);
  for (const caveat of offlineCaveats(values.stack)) console.log(`offline: ${caveat}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`render failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
