/**
 * Loaded by mocha (`--require`, see .mocharc.json): turns on Node's compile cache (V8 code
 * cached on disk, keyed by each file's content) for the test processes and, through
 * NODE_COMPILE_CACHE, for every Node process a test starts (scripts, crash-test children, the
 * Pulumi entry points). Loading Pulumi's packages again takes about half the time; a changed
 * file is simply compiled again. The cache is the git-ignored `.cache/node-compile`, the one
 * scripts/run.cjs uses for every script.
 */
import * as module from "node:module";
import * as path from "node:path";

const dir = path.resolve(__dirname, "..", "..", ".cache", "node-compile");
process.env.NODE_COMPILE_CACHE ??= dir;
module.enableCompileCache(process.env.NODE_COMPILE_CACHE);
