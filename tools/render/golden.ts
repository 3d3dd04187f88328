/** Where the checked-in golden renders live, and how to read one back. */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../engine/stack-file";

export const GOLDEN_ROOT = path.join(PROJECT_ROOT, "test", "golden");

export function goldenDir(stack: string): string {
  return path.join(GOLDEN_ROOT, stack);
}

/** Relative path -> content of every file under `dir`. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join("/"), fs.readFileSync(full, "utf8"));
  }
  return files;
}
