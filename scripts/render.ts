/**
 * npm run render -- --stack <name> [--out <dir>]
 * Evaluates the program for Pulumi.<name>.yaml offline, applies the policy pack's
 * policies (a mandatory violation fails the render and writes nothing), and writes the
 * desired state. `--out` is checked before the evaluation (tools/render/out-dir.ts).
 */
import { runScript } from "../tools/cli";
import { renderScript } from "../tools/render/render-script";

runScript(renderScript);
