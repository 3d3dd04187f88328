/**
 * npm run bump -- --stack <name> --version <version>
 * Moves one stack's backend to another release: checks the version guards of that stack,
 * then rewrites only smartem:backendVersion in Pulumi.<name>.yaml (comments and layout
 * kept, atomically, refused if the file changed meanwhile) and prints the next steps.
 * On refusal the file is left as it was.
 */
import * as path from "node:path";
import { runScript } from "../tools/cli";

runScript(
  "bump",
  {
    command: "npm run bump --",
    summary: [
      "Moves one stack's backend to another release: checks the stack's version guards (pre-releases,",
      "downgrades, promotion from the source stack), then rewrites only smartem:backendVersion in",
      "Pulumi.<stack>.yaml, keeping comments and layout, and prints the next steps. Refused: the file",
      'is left as it was. See README, "Policy pack and version bumps".',
    ].join("\n"),
    options: {
      stack: { type: "string", help: "the stack: Pulumi.<stack>.yaml in the project folder" },
      version: { type: "string", help: "the release to run, PEP 440, e.g. 0.1.1 or 0.1.1rc52" },
    },
    required: ["stack", "version"],
  },
  async ({ stack = "", version = "" }) => {
    const [{ BACKEND_VERSION_KEY, bumpStackFile }, { stackFilePath }] = await Promise.all([
      import("../tools/bump/bump"),
      import("../tools/engine/stack-file"),
    ]);
    const file = path.basename(stackFilePath(stack));
    const result = bumpStackFile(stack, version);
    if (!result.ok) {
      console.error(`bump refused: ${file} is unchanged.`);
      for (const problem of result.problems) console.error(`  - ${problem}`);
      return 1;
    }
    if (!result.changed) {
      console.log(`${file} already pins ${BACKEND_VERSION_KEY}: ${result.to}; nothing changed.`);
      return 0;
    }
    console.log(`${file}: ${BACKEND_VERSION_KEY} ${result.from} -> ${result.to}`);
    console.log("Next steps:");
    result.nextSteps.forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
    return 0;
  },
);
