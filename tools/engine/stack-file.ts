/**
 * Reads `Pulumi.<stack>.yaml` of this project the way the Pulumi CLI hands it to a program
 * (components/config/stack-file.ts): every value as text (structured values as JSON),
 * `secure:` values as secrets, and every form the CLI would read differently refused.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackFileConfig, readStackFileText, stackFileName, stacksIn } from "../../components/config/stack-file";
import { describeKey } from "../../components/program-config";

export interface StackFile extends StackFileConfig {
  readonly stack: string;
}

/** Encrypted values cannot be decrypted offline; the program sees this text instead. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-encrypted-secret";

/** The folder of Pulumi.yaml, found upwards from this module (also when bundled by scripts/run.cjs). */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${from}`);
  }
}

/** The checked-in golden renders, `test/golden/<stack>`: the last reviewed render of each stack. */
export function goldenRoot(root = PROJECT_ROOT): string {
  return path.join(root, "test", "golden");
}

export function goldenDir(stack: string, root = PROJECT_ROOT): string {
  return path.join(goldenRoot(root), stack);
}

export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, stackFileName(stack));
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project root. */
export function listStacks(root = PROJECT_ROOT): string[] {
  return stacksIn(root);
}

export function readStackFile(stack: string, root = PROJECT_ROOT): StackFile {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new Error(`--stack ${JSON.stringify(stack)}: a stack name has only letters, digits, '-', '_' and '.'`);
  }
  const file = stackFilePath(stack, root);
  if (!fs.existsSync(file)) {
    throw new Error(`--stack ${stack}: no ${path.basename(file)}; the stacks here are: ${listStacks(root).join(", ")}`);
  }
  return parseStackFile(stack, fs.readFileSync(file, "utf8"));
}

/** How the offline engine reads stack files: the program's key descriptions, secrets as a placeholder. */
export const OFFLINE_READ = { describe: describeKey, secretText: OFFLINE_SECRET_PLACEHOLDER } as const;

/** Throws a ConfigError naming the file, line, key, value as written and what is allowed. */
export function parseStackFile(stack: string, text: string): StackFile {
  const file = readStackFileText(text, { ...OFFLINE_READ, file: stackFileName(stack) });
  return { stack, ...file };
}
