/** Runs a project script as `npm run <script>` does (node scripts/run.cjs <entry> ...args), or in-process. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { format } from "node:util";
import { CliOption, Script, executeScript } from "../../tools/cli";
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
  options: {
    readonly cwd?: string;
    readonly env?: Readonly<Record<string, string>>;
    /** The project whose launcher and script run (a runnable projectCopy). @default this checkout */
    readonly root?: string;
  } = {},
): ScriptRun {
  const root = options.root ?? PROJECT_ROOT;
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "run.cjs"), path.join(root, entry), ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs a script in this process, as its command line would run it ({@link executeScript}), with
 * what it printed through `console` captured: for the cases where the command line itself is not
 * what is tested (it is, in the spawned tests of --help, exit codes and crash safety).
 */
export async function runScriptInProcess<O extends Readonly<Record<string, CliOption>>>(
  script: Script<O>,
  args: readonly string[],
): Promise<ScriptRun> {
  let stdout = "";
  let stderr = "";
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  console.log = console.info = (...data: unknown[]) => (stdout += `${format(...data)}\n`);
  console.warn = console.error = (...data: unknown[]) => (stderr += `${format(...data)}\n`);
  try {
    const status = await executeScript(script, args);
    return { status, signal: null, stdout, stderr };
  } finally {
    Object.assign(console, saved);
  }
}
