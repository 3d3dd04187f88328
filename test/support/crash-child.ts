/**
 * A child process for the crash-safety tests: runs one real write (a render folder swap or a
 * stack-file bump) so that the test can kill it with SIGKILL at a crash point
 * (tools/fs/crash-point.ts). Run with `node scripts/run.cjs test/support/crash-child.ts <job JSON>`.
 */
import { bumpStackFile } from "../../tools/bump/bump";
import { replaceFolder } from "../../tools/render/out-dir";

export type CrashJob =
  | { readonly kind: "render"; readonly out: string; readonly files: readonly (readonly [string, string])[] }
  | { readonly kind: "bump"; readonly root: string; readonly stack: string; readonly version: string };

async function main(job: CrashJob): Promise<void> {
  if (job.kind === "render") {
    await replaceFolder(new Map(job.files), job.out);
  } else {
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
