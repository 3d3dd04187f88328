/** How to read a golden render back (tools/engine/stack-file.ts says where they live) and compare it with a render. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RenderedFiles } from "./files";

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

/** How a render differs from its golden copy, one line per file; [] when they are the same. */
export function goldenDrift(rendered: RenderedFiles, golden: ReadonlyMap<string, string>): string[] {
  const drift: string[] = [];
  for (const [file, content] of rendered) {
    if (!golden.has(file)) drift.push(`${file}: rendered, not in the golden copy`);
    else if (golden.get(file) !== content) drift.push(`${file}: differs from the golden copy`);
  }
  for (const file of golden.keys()) if (!rendered.has(file)) drift.push(`${file}: in the golden copy, no longer rendered`);
  return drift.sort();
}
