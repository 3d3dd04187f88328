/**
 * Where the program runs. `pulumi preview`/`up` call the entry point with no argument, which
 * means the Pulumi engine; the offline engine (tools/engine/evaluate.ts) passes its own host.
 * The program refuses under the engine what the offline render only warns about.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ProgramHost {
  /** True under the offline engine (render, golden files, tests): placeholders only warn there. */
  readonly offline: boolean;
  /** The project folder, with the stack files (the Pulumi CLI runs the program there). */
  readonly projectDir: string;
  /** Reports something the user should fix that does not stop this run. */
  readonly warn: (message: string) => void;
}

/** The host of `pulumi preview`/`up`: the CLI's working directory is the project folder. */
export function pulumiEngineHost(): ProgramHost {
  return { offline: false, projectDir: process.cwd(), warn: (message) => void pulumi.log.warn(message) };
}
