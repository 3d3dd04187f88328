/**
 * One benchmark case of `npm run bench`: renders dev, staging and production, each with
 * `--packages N` packages, in one process, through the same engine and render as
 * `npm run render` (evaluate -> renderFiles -> writeRender), and prints how many resources
 * the three registered.
 */
import * as path from "node:path";
import { runScript } from "../tools/cli";

runScript({
  name: "bench-many",
  spec: {
    command: "node scripts/run.cjs scripts/bench-many.ts",
    summary: "One case of npm run bench: renders dev, staging and production with N packages each, into <out>/<stack>.",
    options: {
      packages: { type: "string", help: "how many packages each stack releases (a whole number, at least 1)" },
      out: { type: "string", help: "the folder of the three renders (default: out/bench)" },
    },
    required: ["packages"],
  },
  main: async ({ packages, out }) => {
    const n = Number(packages);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--packages ${packages}: a whole number of packages, at least 1`);
    const [{ evaluate }, { renderFiles, writeRender }, { manyPackagesOptions }] = await Promise.all([
      import("../tools/engine/evaluate"),
      import("../tools/render/render"),
      import("../tools/bench/many-packages"),
    ]);
    const folder = out ?? path.join("out", "bench");
    let registered = 0;
    for (const stack of ["dev", "staging", "production"]) {
      const evaluation = await evaluate(manyPackagesOptions(n, stack));
      registered += evaluation.resources.length;
      await writeRender(renderFiles(evaluation), path.join(folder, stack));
    }
    // npm run bench reads it: the SDK-alone case registers as many.
    console.log(`resources ${registered}`);
  },
});
