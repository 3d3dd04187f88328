/** Runs a project script as `npm run <script>` does (node scripts/run.cjs <entry> ...args). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../tools/engine/stack-file";

export interface ScriptRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runScriptFile(
  entry: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
): ScriptRun {
  const result = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, "scripts", "run.cjs"), path.join(PROJECT_ROOT, entry), ...args],
    {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, ...options.env },
      encoding: "utf8",
    },
  );
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
