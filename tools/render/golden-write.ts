/**
 * What `npm run golden` writes for the stacks: the offline render of every stack into
 * test/golden/<stack>. Every stack is evaluated before any is written, so a stack that is
 * refused (a bad pin) leaves every golden copy as it was.
 */
import { evaluateOffline } from "../engine/offline";
import { PROJECT_ROOT, goldenDir, listStacks } from "../engine/stack-file";
import { RenderedFiles, writeRender } from "./render";
import { goldenFiles } from "./golden";

/** Renders every stack of the project at `root` into its golden folder; returns the files per stack. */
export async function writeGoldens(root = PROJECT_ROOT): Promise<Map<string, RenderedFiles>> {
  const renders = new Map<string, RenderedFiles>();
  for (const stack of listStacks(root)) renders.set(stack, goldenFiles(await evaluateOffline(stack, root)));
  // The golden copies hold the render files alone, without the render marker (the golden test
  // compares file sets; git keeps these folders).
  for (const [stack, files] of renders)
    await writeRender(files, goldenDir(stack, root), { marker: false, label: `test/golden/${stack}` });
  return renders;
}
