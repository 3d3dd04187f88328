/**
 * One benchmark case of `npm run bench`: renders dev, staging and production, each with
 * `--packages N` packages, in one process, through the same engine and render as
 * `npm run render` (evaluate -> renderFiles -> writeRender).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { evaluate } from "../tools/engine/evaluate";
import { renderFiles, writeRender } from "../tools/render/render";
import { manyPackagesOptions } from "./bench-packages";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packages: { type: "string" }, out: { type: "string" } } });
  const n = Number(values.packages);
  const out = values.out ?? "out/bench";
  for (const stack of ["dev", "staging", "production"]) {
    const evaluation = await evaluate(manyPackagesOptions(n, stack));
    await writeRender(renderFiles(evaluation), path.join(out, stack));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
