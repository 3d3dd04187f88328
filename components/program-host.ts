/**
 * Where the program runs, apart from what only the real engine has (program.ts's LiveRun):
 * the project folder with the stack files, and where warnings go. `pulumi preview`/`up` call
 * the entry point with no argument (the CLI's working directory, the engine's log); the
 * offline engine (tools/engine/evaluate.ts) passes its own (warnings end up on the render's stderr).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ReleasePlan } from "./release/release-workflow";

export interface ProgramHost {
  /** The project folder, with the stack files (the Pulumi CLI runs the program there). */
  readonly projectDir: string;
  /** Reports something the user should fix that does not stop this run. */
  readonly warn: (message: string) => void;
  /**
   * Told of the release plan of every package, built once by the program (the offline render
   * draws its pipeline pictures from them, instead of planning again).
   * @default none
   */
  readonly onReleasePlans?: (plans: readonly ReleasePlan[]) => void;
}

/** The host of `pulumi preview`/`up`: the CLI's working directory is the project folder. */
export function pulumiEngineHost(): ProgramHost {
  return { projectDir: process.cwd(), warn: (message) => void pulumi.log.warn(message) };
}
