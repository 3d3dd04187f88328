/** The `npm run render` script, defined apart from its entry point so that tests can run it in-process. */
import * as path from "node:path";
import { defineScript } from "../cli";

/** `npm run render`: its command line and body (scripts/render.ts runs it). */
export const renderScript = defineScript({
  name: "render",
  spec: {
    command: "npm run render --",
    summary: [
      "Evaluates the program for Pulumi.<stack>.yaml offline (no network, no credentials), applies the",
      "policy pack and writes the desired state. The folder is replaced whole, so it must be a new path,",
      "an empty folder or a previous render (one holding .smartem-render); anything else is refused.",
      "See docs/render.md.",
    ].join("\n"),
    options: {
      stack: { type: "string", help: "the stack: Pulumi.<stack>.yaml in the project folder" },
      out: { type: "string", help: "the folder to write (default: out/<stack>)" },
    },
    required: ["stack"],
  },
  main: async ({ stack, out }) => {
    // Loaded step by step: --help, flag mistakes, a refused --out, an unknown stack and a stack
    // file that does not parse answer without loading Pulumi.
    const { prepareOutDir } = await import("./out-dir");
    const stackName = stack ?? "";
    const outDir = out ?? path.join("out", stackName);
    const options = { label: out === undefined ? `${outDir} (the default --out)` : `--out ${out}` };
    await prepareOutDir(outDir, options);
    // The evaluation reads the file first too, so this refuses exactly what it would, only sooner.
    (await import("../engine/stack-file")).readStackFile(stackName);
    const [{ evaluateOffline, offlineCaveats }, { runRender }] = await Promise.all([
      import("../engine/offline"),
      import("./render-run"),
    ]);
    const run = await runRender(await evaluateOffline(stackName), outDir, options);
    for (const warning of run.warnings) console.warn(`warning: ${warning}`);
    console.log(run.summary);
    for (const caveat of offlineCaveats(stackName)) console.log(`offline: ${caveat}`);
  },
});
