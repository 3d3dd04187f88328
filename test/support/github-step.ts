/**
 * A workflow step's `run:` script, run as a GitHub-hosted runner runs it: `bash --noprofile
 * --norc -eo pipefail <file>`, in a clean environment, with fakes of the tools it calls first on
 * PATH. One {@link GithubRunner} is one throwaway runner folder:
 *
 * ```text
 * <dir>/bin/          the fakes ({@link GithubRunner.fake}), first on PATH
 * <dir>/<name>.calls  the arguments of every call of fake <name>, one line each
 * <dir>/runner/       $RUNNER_TEMP
 * <dir>/step.sh       the script of the step that runs
 * <dir>/github-output, <dir>/step-summary.md   $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY (empty for each step)
 * ```
 *
 * A fake that must answer from the test process (test/support/fake-gh.ts) goes in {@link GithubRunner.bin}
 * and the step runs with {@link GithubRunner.runAsync}, so this process is free to answer.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runToEnd } from "../../e2e/scenarios/spawn";

/** The flags of GitHub's `shell: bash`: no profile or rc files, stop at the first failure, a pipe fails with any stage. */
export const GITHUB_BASH_FLAGS = ["--noprofile", "--norc", "-eo", "pipefail"] as const;

/** A step as the workflow model holds it (components/actions/model.ts RunStep), or just its script. */
export type StepScript = string | { readonly run: string; readonly env?: Readonly<Record<string, string>> };

export interface StepOptions {
  /**
   * The GitHub-provided variables and the step's variables that the test gives (GH_REPO,
   * STACK, ...), over the runner's own (RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). The
   * step's declared `env:` goes over these. PATH is set from {@link StepOptions.path}.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * What the `${{ ... }}` expressions in the variables stand for, by their text
   * (`"needs.version.outputs.version": "0.2.0"`). A variable with any other expression is refused:
   * the step would run with the expression's text as its value.
   */
  readonly expressions?: Readonly<Record<string, string>>;
  /** The working folder (on GitHub, the checkout). @default the runner's folder */
  readonly cwd?: string;
  /** Folders on PATH after the fakes, before the Node that runs the tests and this process's PATH. */
  readonly path?: readonly string[];
}

/** How a step ended. */
export interface StepRun {
  /** The exit status; 1 when bash was killed by a signal. */
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout, then stderr: the job log a message is looked for in. */
  readonly output: string;
  /** What the step appended to $GITHUB_OUTPUT. */
  readonly githubOutput: string;
  /** What the step appended to $GITHUB_STEP_SUMMARY. */
  readonly summary: string;
}

/** A throwaway runner folder to run steps in; {@link GithubRunner.dispose} removes it. */
export class GithubRunner {
  /** The runner's folder. */
  readonly dir: string;
  /** Where the fakes are: first on PATH. */
  readonly bin: string;
  /** $RUNNER_TEMP. */
  readonly temp: string;

  /** @param prefix names the temp folder, for whoever finds one left behind */
  constructor(prefix: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    this.bin = path.join(this.dir, "bin");
    this.temp = path.join(this.dir, "runner");
    fs.mkdirSync(this.bin);
    fs.mkdirSync(this.temp);
  }

  /**
   * Writes the fake `<name>` on PATH: a bash script that appends its arguments to
   * `<dir>/<name>.calls` ({@link GithubRunner.calls}), then runs `lines`, which may append more to
   * that file as `"$calls"`. Writing it again replaces it.
   * @returns the fake's path
   */
  fake(name: string, lines: readonly string[]): string {
    const file = path.join(this.bin, name);
    const record = [`calls=${shellQuote(path.join(this.dir, `${name}.calls`))}`, `printf '%s\\n' "$*" >> "$calls"`];
    fs.writeFileSync(file, ["#!/bin/bash", ...record, ...lines, ""].join("\n"), { mode: 0o755 });
    return file;
  }

  /** The arguments of every call of the fake `<name>` so far, one line each ("" when it was never called). */
  calls(name: string): string {
    const file = path.join(this.dir, `${name}.calls`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  }

  /**
   * Writes `content` to `file` (a path relative to the runner's folder, or absolute), making its folders.
   * @returns the file's absolute path
   */
  write(file: string, content: string): string {
    file = path.resolve(this.dir, file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  /** Runs the step and waits for it, blocking this process: for fakes that answer by themselves. */
  run(step: StepScript, options: StepOptions = {}): StepRun {
    const { script, spawnOptions } = this.prepare(step, options);
    const result = spawnSync("bash", [...GITHUB_BASH_FLAGS, script], { ...spawnOptions, encoding: "utf8" });
    if (result.error) throw result.error;
    return this.finish(result.status ?? 1, result.stdout, result.stderr);
  }

  /** Runs the step without blocking this process: for fakes the test process answers (startFakeGh). */
  async runAsync(step: StepScript, options: StepOptions = {}): Promise<StepRun> {
    const { script, spawnOptions } = this.prepare(step, options);
    const result = await runToEnd("bash", [...GITHUB_BASH_FLAGS, script], spawnOptions);
    return this.finish(result.code, result.stdout, result.stderr);
  }

  /** Removes the runner's folder. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private get outputFile(): string {
    return path.join(this.dir, "github-output");
  }

  private get summaryFile(): string {
    return path.join(this.dir, "step-summary.md");
  }

  private prepare(
    step: StepScript,
    options: StepOptions,
  ): { script: string; spawnOptions: { cwd: string; env: NodeJS.ProcessEnv } } {
    const { run, env: declared = {} } = typeof step === "string" ? { run: step } : step;
    if (options.env && "PATH" in options.env) throw new Error("set PATH through StepOptions.path, after the fakes");
    const script = path.join(this.dir, "step.sh");
    fs.writeFileSync(script, run);
    // GitHub gives each step fresh files.
    fs.writeFileSync(this.outputFile, "");
    fs.writeFileSync(this.summaryFile, "");
    const env: NodeJS.ProcessEnv = {
      // The Node that runs the tests stands for the runner's (steps run `node tools/...`).
      PATH: [this.bin, ...(options.path ?? []), path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
      RUNNER_TEMP: this.temp,
      GITHUB_OUTPUT: this.outputFile,
      GITHUB_STEP_SUMMARY: this.summaryFile,
    };
    for (const [name, value] of Object.entries({ ...options.env, ...declared })) {
      if (value !== undefined) env[name] = resolve(name, value, options.expressions ?? {});
    }
    return { script, spawnOptions: { cwd: options.cwd ?? this.dir, env } };
  }

  private finish(status: number, stdout: string, stderr: string): StepRun {
    return {
      status,
      stdout,
      stderr,
      output: stdout + stderr,
      githubOutput: fs.readFileSync(this.outputFile, "utf8"),
      summary: fs.readFileSync(this.summaryFile, "utf8"),
    };
  }
}

/** The variable's value with each `${{ expression }}` replaced, or an error naming the one not given. */
function resolve(name: string, value: string, expressions: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const resolved = expressions[expression];
    if (resolved === undefined) throw new Error(`${name}: no value given for the expression \${{ ${expression} }}`);
    return resolved;
  });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
