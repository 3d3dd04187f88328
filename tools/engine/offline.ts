/**
 * Offline evaluation of a stack from its `Pulumi.<stack>.yaml`: what `npm run render`,
 * the golden tests and the benchmark evaluate. Facts that only a live backend knows
 * are answered here from files, and what cannot be known is said so.
 */
import { Evaluation, EvaluateOptions, ORGANIZATION, PROJECT, evaluate } from "./evaluate";
import { listStacks, readStackFile } from "./stack-file";

const BACKEND_VERSION = "smartem:backendVersion";

const qualified = (stack: string): string => `${ORGANIZATION}/${PROJECT}/${stack}`;

/**
 * The stack references the program reads (the upgrade guards), answered offline:
 * another stack is assumed to run the backendVersion of its stack file; the stack being
 * rendered reports no outputs, because what is live now cannot be known offline.
 */
export function offlineStackReferences(stack: string): Record<string, Record<string, unknown>> {
  const references: Record<string, Record<string, unknown>> = {};
  for (const other of listStacks()) {
    const version = readStackFile(other).config[BACKEND_VERSION];
    references[qualified(other)] = other === stack || version === undefined ? {} : { backendVersion: version };
  }
  return references;
}

/** What an offline render assumes or cannot know, in plain words, for the console. */
export function offlineCaveats(stack: string): string[] {
  const file = readStackFile(stack);
  const caveats = [
    `the backend version live on ${qualified(stack)} now is unknown offline: the no-downgrade guard was skipped (\`pulumi preview\` checks it against the stack's backendVersion output)`,
  ];
  const source = file.config["smartem:promoteFrom"];
  if (source !== undefined) {
    const assumed = offlineStackReferences(stack)[source]?.backendVersion;
    caveats.push(
      assumed === undefined
        ? `${source} has no stack file here: the promotion guard cannot be answered offline`
        : `${source} is assumed to run ${String(assumed)} (its stack file); \`pulumi preview\` reads its live backendVersion output`,
    );
  }
  if (file.secretKeys.length > 0) {
    caveats.push(`encrypted config is not decrypted offline (${file.secretKeys.join(", ")}): placeholders stand in`);
  }
  return caveats;
}

export function offlineOptions(stack: string): EvaluateOptions {
  const file = readStackFile(stack);
  return { stack, config: file.config, secretKeys: file.secretKeys, stackReferences: offlineStackReferences(stack) };
}

export function evaluateOffline(stack: string): Promise<Evaluation> {
  return evaluate(offlineOptions(stack));
}
