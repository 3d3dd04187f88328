/**
 * npm run render -- --stack <name> [--out <dir>]
 * Evaluates the program for Pulumi.<name>.yaml offline, applies the policy pack's
 * policies (a mandatory violation fails the render and writes nothing), and writes the
 * desired state. `--out` is checked before the evaluation (tools/render/out-dir.ts).
 */
import * as path from "node:path";
import { runScript } from "../tools/cli";

runScript(
  "render",
  {
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
  async ({ stack, out }) => {
    // Loaded step by step: --help, flag mistakes and a refused --out answer without loading Pulumi.
    const { prepareOutDir } = await import("../tools/render/out-dir");
    const stackName = stack ?? "";
    const outDir = out ?? path.join("out", stackName);
    const options = { label: out === undefined ? `${outDir} (the default --out)` : `--out ${out}` };
    await prepareOutDir(outDir, options);
    const [{ evaluateOffline, offlineCaveats }, { runRender }] = await Promise.all([
      import("../tools/engine/offline"),
      import("../tools/render/render-run"),
    ]);
    const run = await runRender(await evaluateOffline(stackName), outDir, options);
    for (const warning of run.warnings) console.warn(`warning: ${warning}`);
    console.log(run.summary);
    for (const caveat of offlineCaveats(stackName)) console.log(`offline: ${caveat}`);
  },
);
