/**
 * Offline evaluation of a stack from its `Pulumi.<stack>.yaml`: what `npm run render`,
 * the golden tests and the benchmark evaluate. Facts that only a live backend knows
 * are answered here from files, and what cannot be known is said so.
 */
import { ConfigError } from "../../components/config/keys";
import { Evaluation, EvaluateOptions, ORGANIZATION, PROJECT, evaluate } from "./evaluate";
import { PROJECT_ROOT, StackFile, listStacks, readStackFile } from "./stack-file";

const BACKEND_VERSION = "smartem:backendVersion";

const qualified = (stack: string): string => `${ORGANIZATION}/${PROJECT}/${stack}`;

/** Another stack's file, or undefined when it is invalid: a broken other file never stops this stack. */
function readOtherStackFile(stack: string, root: string): StackFile | undefined {
  try {
    return readStackFile(stack, root);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/**
 * The stack references the program reads (the upgrade guards), answered offline:
 * another stack is assumed to run the backendVersion of its stack file (nothing, when that
 * file is invalid); the stack being rendered reports no outputs, because what is live now
 * cannot be known offline.
 */
export function offlineStackReferences(stack: string, root = PROJECT_ROOT): Record<string, Record<string, unknown>> {
  const references: Record<string, Record<string, unknown>> = {};
  for (const other of listStacks(root)) {
    const version = other === stack ? undefined : readOtherStackFile(other, root)?.config[BACKEND_VERSION];
    references[qualified(other)] = version === undefined ? {} : { backendVersion: version };
  }
  return references;
}

/** What an offline render assumes or cannot know, in plain words, for the console. */
export function offlineCaveats(stack: string, root = PROJECT_ROOT): string[] {
  const file = readStackFile(stack, root);
  const caveats = [
    `the backend version live on ${qualified(stack)} now is unknown offline: the no-downgrade guard was skipped (\`pulumi preview\` checks it against the stack's backendVersion output)`,
  ];
  const source = file.config["smartem:promoteFrom"];
  if (source !== undefined) {
    const assumed = offlineStackReferences(stack, root)[source]?.backendVersion;
    caveats.push(
      assumed === undefined
        ? `${source} has no stack file here: the promotion guard cannot be answered offline`
        : `${source} is assumed to run ${String(assumed)} (its stack file); \`pulumi preview\` reads its live backendVersion output`,
    );
  }
  const broken = listStacks(root).filter((other) => other !== stack && readOtherStackFile(other, root) === undefined);
  if (broken.length > 0) {
    caveats.push(`${broken.map((b) => `Pulumi.${b}.yaml`).join(", ")} ${broken.length === 1 ? "is" : "are"} invalid: read as running no version (render ${broken.length === 1 ? "that stack" : "them"} to see why)`);
  }
  if (file.secretKeys.length > 0) {
    caveats.push(`encrypted config is not decrypted offline (${file.secretKeys.join(", ")}): placeholders stand in`);
  }
  return caveats;
}

export function offlineOptions(stack: string, root = PROJECT_ROOT): EvaluateOptions {
  const file = readStackFile(stack, root);
  return { stack, config: file.config, secretKeys: file.secretKeys, stackReferences: offlineStackReferences(stack, root), projectDir: root };
}

/** Evaluates `Pulumi.<stack>.yaml` of a project folder (this project unless told). */
export function evaluateOffline(stack: string, root = PROJECT_ROOT): Promise<Evaluation> {
  return evaluate(offlineOptions(stack, root));
}
