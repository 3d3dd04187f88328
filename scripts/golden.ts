/**
 * npm run golden: rewrites Pulumi.yaml from the config schema, and test/golden/<stack>/ with the offline render of every stack,
 * so that any change to what the program converges shows up as a readable diff in review.
 * test/golden.test.ts fails while these copies drift from the program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectFile } from "../tools/engine/project-file";
import { deliveryWorkflowFiles } from "../tools/delivery/delivery-workflows";
import { configSchema } from "../components/program-config";
import { PROJECT_ROOT } from "../tools/engine/stack-file";
import { writeGoldens } from "../tools/render/golden-write";
import { referencePages } from "../tools/docs/pages";

async function main(): Promise<void> {
  fs.writeFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), projectFile(configSchema));
  console.log("Pulumi.yaml: config schema");
  for (const [file, content] of deliveryWorkflowFiles()) {
    fs.mkdirSync(path.dirname(path.join(PROJECT_ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(PROJECT_ROOT, file), content);
    console.log(`${file}: this repository's delivery workflow`);
  }
  for (const [file, content] of referencePages()) {
    fs.mkdirSync(path.dirname(path.join(PROJECT_ROOT, file)), { recursive: true });
    fs.writeFileSync(path.join(PROJECT_ROOT, file), content);
    console.log(`${file}: generated reference`);
  }
  for (const [stack, files] of await writeGoldens()) console.log(`test/golden/${stack}: ${files.size} files`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`golden failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
