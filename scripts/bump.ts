/**
 * npm run bump -- --stack <name> --version <version>
 * Moves one stack's backend to another release: checks the version guards of that stack,
 * then rewrites only smartem:backendVersion in Pulumi.<name>.yaml (comments and layout
 * kept) and prints the next steps. On refusal the file is left as it was.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BACKEND_VERSION_KEY, bumpStackFile } from "../tools/bump/bump";
import { stackFilePath } from "../tools/engine/stack-file";

function main(): number {
  const { values } = parseArgs({
    options: { stack: { type: "string" }, version: { type: "string" } },
    strict: true,
  });
  if (!values.stack || !values.version) throw new Error("usage: npm run bump -- --stack <name> --version <version>");
  const file = path.basename(stackFilePath(values.stack));
  const result = bumpStackFile(values.stack, values.version);
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
}

try {
  process.exit(main());
} catch (error) {
  console.error(`bump failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
