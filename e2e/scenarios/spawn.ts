/** A child process run to its end without blocking this one (the recorder and the doubles keep answering meanwhile). */
import { SpawnOptions, spawn } from "node:child_process";

export interface Finished {
  /** The exit code; 1 when the child was killed by a signal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
}

export function runToEnd(command: string, args: readonly string[], options: SpawnOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => ((stdout += d), (output += d)));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => ((stderr += d), (output += d)));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
  });
}
