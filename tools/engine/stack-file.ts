/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program:
 * every value as text (structured values as JSON), `secure:` values as secrets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

export interface StackFile {
  readonly stack: string;
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
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

export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** The stacks that have a `Pulumi.<stack>.yaml` in the project root. */
export function listStacks(root = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s))
    .sort();
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

export function parseStackFile(stack: string, text: string): StackFile {
  const doc = (YAML.parse(text) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (isSecure(value)) {
      config[key] = OFFLINE_SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { stack, config, secretKeys };
}

function isSecure(value: unknown): boolean {
  return Boolean(value && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value);
}
