/**
 * npm run golden: rewrites Pulumi.yaml from the config schema, this repository's workflows, and
 * test/golden/<stack>/ with the offline render of every stack, so that any change to what the
 * program converges shows up as a readable diff in review.
 * test/tools/render/golden.test.ts fails while these copies drift from the program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runScript } from "../tools/cli";

runScript({
  name: "golden",
  spec: {
    command: "npm run golden --",
    summary: [
      "Regenerates Pulumi.yaml (config schema), .github/workflows (this repository's delivery workflows),",
      "docs/reference/ (configuration and policy references) and test/golden/<stack>/ (the offline",
      "render of every Pulumi.<stack>.yaml). Commit the diff.",
    ].join("\n"),
    options: {},
  },
  main: async () => {
    // Loaded after the flags are read: --help answers without loading Pulumi.
    const [{ projectFile }, { deliveryWorkflowFiles }, { configSchema }, { PROJECT_ROOT }, { writeGoldens }, { referencePages }] =
      await Promise.all([
        import("../tools/engine/project-file"),
        import("../tools/delivery/delivery-workflows"),
        import("../components/program-config"),
        import("../tools/engine/stack-file"),
        import("../tools/render/golden-write"),
        import("../tools/docs/pages"),
      ]);
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
  },
});
