/**
 * Throwaway copies of this project for tests that add or change stack files: the checkout
 * itself is never written, so tests that list or read its stack files (and tests running at
 * the same time) see it as it is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT, listStacks, stackFilePath } from "../../tools/engine/stack-file";

export interface ProjectCopyOptions {
  /**
   * Also a runnable copy: its own `scripts/` (the launcher finds the project, Pulumi.yaml, above
   * its bundle cache) with the sources and `node_modules` linked (no `test/`, so no golden
   * render: each stack renders as a first deploy), for
   * `runScriptFile(..., { root })`.
   * @default false
   */
  readonly runnable?: boolean;
}

/** A new temporary folder holding Pulumi.yaml and the checked-in stack files. The caller removes it. */
export function projectCopy(prefix: string, options: ProjectCopyOptions = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const stack of listStacks()) fs.copyFileSync(stackFilePath(stack), stackFilePath(stack, root));
  fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
  if (options.runnable) {
    fs.mkdirSync(path.join(root, "scripts"));
    for (const file of fs.readdirSync(path.join(PROJECT_ROOT, "scripts")).filter((f) => /\.(ts|cjs)$/.test(f))) {
      fs.copyFileSync(path.join(PROJECT_ROOT, "scripts", file), path.join(root, "scripts", file));
    }
    for (const entry of ["node_modules", "components", "tools", "policy", "index.ts", "package.json", "tsconfig.json"]) {
      fs.symlinkSync(path.join(PROJECT_ROOT, entry), path.join(root, entry));
    }
    // The checkout's launcher bundles, when there are some: the launcher rebuilds any bundle
    // whose sources differ, so a stale one costs nothing, and a fresh one spares each copy its
    // own esbuild build. (Compiled code is shared anyway: the tests' NODE_COMPILE_CACHE.)
    const cache = path.join(PROJECT_ROOT, "scripts", ".cache");
    if (fs.existsSync(cache)) {
      fs.mkdirSync(path.join(root, "scripts", ".cache"));
      for (const file of fs.readdirSync(cache).filter((f) => /\.(cjs|json|map)$/.test(f))) {
        fs.copyFileSync(path.join(cache, file), path.join(root, "scripts", ".cache", file));
      }
    }
  }
  return root;
}
