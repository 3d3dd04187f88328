/**
 * How the runner-side scripts under tools/delivery/ start when a workflow step runs them
 * (`node tools/delivery/<file>` or through scripts/run.cjs): `main` gets the arguments and its
 * result is the exit code; an error becomes a GitHub error annotation (`::error::<message>`, no
 * stack trace) and exit 1, so the failed step names the problem in the run's summary.
 * Imported by a module that is only a library elsewhere (tests), so nothing runs unless the
 * process was started with `file`.
 */
export function runOnRunner(file: string, main: (args: string[]) => Promise<number> | number): void {
  if (!process.argv[1]?.endsWith(file)) return;
  const fail = (error: unknown): void => {
    process.stderr.write(`::error::${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  };
  // Started from a resolved promise, so a main that throws at once fails the same way as one that rejects.
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then((code) => {
      process.exitCode = code;
    }, fail);
}
