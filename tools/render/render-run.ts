/**
 * One render run: check the policies, then write. A mandatory policy violation throws
 * before anything is written, so the previous render stays as it was.
 */
import { Evaluation } from "../engine/evaluate";
import { assertPolicies, formatViolation } from "../engine/policy-check";
import { OutDirOptions } from "./out-dir";
import { renderFiles, summarize, writeRender } from "./render";

export interface RenderRun {
  /** The console summary of what was written. */
  readonly summary: string;
  /** What the program warned about (placeholders) and advisory policy violations, one line each (they do not block). */
  readonly warnings: readonly string[];
}

export async function runRender(evaluation: Evaluation, outDir: string, options: OutDirOptions = {}): Promise<RenderRun> {
  const advisories = await assertPolicies(evaluation);
  const files = renderFiles(evaluation);
  await writeRender(files, outDir, options);
  return {
    summary: summarize(evaluation, files, outDir),
    warnings: [...(evaluation.warnings ?? []), ...advisories.map(formatViolation)],
  };
}
