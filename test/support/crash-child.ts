/**
 * A child process for the crash-safety tests: runs one real write (a render folder swap or a
 * stack-file bump) so that the test can kill it with SIGKILL at a crash point
 * (tools/fs/crash-point.ts). Run with `node scripts/run.cjs test/support/crash-child.ts <job JSON>`.
 */

export type CrashJob =
  | { readonly kind: "render"; readonly out: string; readonly files: readonly (readonly [string, string])[] }
  | { readonly kind: "bump"; readonly root: string; readonly stack: string; readonly version: string };

// Each job loads only its own modules: a child is started per crash point, and a render job
// that loaded bump's (the program's config, Pulumi's packages) would take several times as long.
async function main(job: CrashJob): Promise<void> {
  if (job.kind === "render") {
    const { replaceFolder } = await import("../../tools/render/out-dir");
    await replaceFolder(new Map(job.files), job.out);
  } else {
    const { bumpStackFile } = await import("../../tools/bump/bump");
    const result = bumpStackFile(job.stack, job.version, undefined, job.root);
    if (!result.ok) throw new Error(result.problems.join("\n"));
  }
}

main(JSON.parse(process.argv[2] ?? "{}") as CrashJob).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
