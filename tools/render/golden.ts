/**
 * What a golden render holds, how to read one back (tools/engine/stack-file.ts says where they
 * live) and compare it with a render.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Evaluation, RegisteredResource } from "../engine/evaluate";
import { RenderedFiles, jsonFile } from "./files";
import { PLAN_FILE, filesHoldingInputs, renderFiles } from "./render";

/**
 * test/golden/<stack>: the render, with plan.json slimmed to what the other files do not
 * already hold. A resource whose inputs are all in its own file is named with that file
 * (`inputsIn`), a committed file's content with its path (`contentIn`), so a change shows
 * once in a golden diff. `npm run render` keeps writing the whole plan (docs/render.md).
 */
export function goldenFiles(evaluation: Evaluation): RenderedFiles {
  const files = renderFiles(evaluation);
  files.set(PLAN_FILE, jsonFile(evaluation.resources.map(goldenPlanEntry)));
  return files;
}

function goldenPlanEntry({ type, name, inputs, ...resource }: RegisteredResource): object {
  const held = filesHoldingInputs({ type, name, inputs, ...resource });
  if (held === undefined) return { type, name, inputs };
  if ("whole" in held) return { type, name, inputsIn: held.whole };
  const { content: _content, ...rest } = inputs;
  return { type, name, inputs: rest, contentIn: held.content };
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
