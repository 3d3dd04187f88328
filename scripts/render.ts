/**
 * npm run render -- --stack <name> [--out <dir>]
 * Evaluates the program for Pulumi.<name>.yaml offline and writes the desired state.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { evaluateOffline, offlineCaveats } from "../components/engine/offline";
import { renderFiles, summarize, writeRender } from "../components/engine/render";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, out: { type: "string" } },
    strict: true,
  });
  if (!values.stack) throw new Error("usage: npm run render -- --stack <name> [--out <dir>]");
  const outDir = path.resolve(values.out ?? path.join("out", values.stack));
  const evaluation = await evaluateOffline(values.stack);
  const files = renderFiles(evaluation);
  writeRender(files, outDir);
  console.log(summarize(evaluation, files, outDir));
  for (const caveat of offlineCaveats(values.stack)) console.log(`offline: ${caveat}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`render failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
