#!/usr/bin/env node
/**
 * Runs one of this project's TypeScript scripts: `node scripts/run.cjs scripts/render.ts [args]`.
 * esbuild compiles the project's own code into one CommonJS file, which starts in a fraction
 * of the time a per-module TypeScript hook takes. The bundle is kept in scripts/.cache and
 * reused while every source it was built from is byte-for-byte the same; V8's compile cache
 * (.cache/node-compile) spares recompiling it and the packages on every run. Type checking is
 * `npm test`'s job (tsc), not this launcher's.
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const USAGE = [
  "usage: node scripts/run.cjs <script.ts> [args...]",
  "",
  "Runs one of this project's TypeScript scripts (npm run render, golden, bench, bump run through it);",
  "the args go to the script: node scripts/run.cjs scripts/render.ts --help.",
  "",
].join("\n");
const [entry, ...args] = process.argv.slice(2);
if (entry === "--help" || entry === "-h") {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!entry || entry.startsWith("-")) {
  console.error(entry ? `run.cjs: unknown flag ${entry}; the first argument is the script to run` : "run.cjs: which script?");
  process.stderr.write(USAGE);
  process.exit(2);
}
const script = path.resolve(entry);
if (!fs.existsSync(script)) {
  console.error(`run.cjs: no script ${entry}`);
  process.exit(2);
}
const root = path.resolve(__dirname, "..");
// Beside the scripts, so that the bundle finds this checkout's node_modules and Pulumi.yaml
// (a cache under node_modules would resolve to another checkout where node_modules is a link).
const cache = path.join(__dirname, ".cache");
const name = path.relative(root, script).replace(/[\\/]/g, "__").replace(/\.ts$/, "");
const bundle = path.join(cache, `${name}.cjs`);
const manifest = path.join(cache, `${name}.inputs.json`);
/**
 * Plain JavaScript libraries of many small modules go into the bundle: one file loads in a
 * third of the time Node takes to resolve and read each of them. Every other package stays
 * external: the Pulumi SDKs (the mock runtime and the resource classes must be one
 * instance, and they read their own files), TypeScript, esbuild.
 */
const BUNDLED = new Set(["yaml", "zod", "@renovatebot/pep440", "semver"]);
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const EXTERNAL = Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies })
  .filter((dependency) => !BUNDLED.has(dependency))
  .flatMap((dependency) => [dependency, `${dependency}/*`]);
const OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  external: EXTERNAL,
  sourcemap: "linked",
  logLevel: "error",
};
// esbuild's version from its package file: esbuild itself is loaded only to build.
const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
const stamp = JSON.stringify({ esbuild: esbuildVersion, OPTIONS });

function digest(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** True when the cached bundle was built, with these options, from exactly the current sources. */
function fresh() {
  try {
    const recorded = JSON.parse(fs.readFileSync(manifest, "utf8"));
    return (
      recorded.stamp === stamp &&
      fs.existsSync(bundle) &&
      Object.entries(recorded.inputs).every(([file, hash]) => digest(path.join(root, file)) === hash)
    );
  } catch {
    return false;
  }
}

if (!fresh()) {
  // Built in a folder of its own, so that the bundle's pointer to its source map names the
  // map's final name; moved into place map, bundle, then the manifest that vouches for them.
  const building = path.join(cache, `.build-${process.pid}`);
  fs.mkdirSync(building, { recursive: true });
  try {
    const result = require("esbuild").buildSync({
      ...OPTIONS,
      entryPoints: [script],
      outfile: path.join(building, `${name}.cjs`),
      metafile: true,
      absWorkingDir: root,
    });
    const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [file, digest(path.join(root, file))]));
    fs.writeFileSync(path.join(building, `${name}.inputs.json`), JSON.stringify({ stamp, inputs }));
    // Renames are atomic: a concurrent run sees the old bundle or the new one, never half of one.
    fs.renameSync(path.join(building, `${name}.cjs.map`), `${bundle}.map`);
    fs.renameSync(path.join(building, `${name}.cjs`), bundle);
    fs.renameSync(path.join(building, `${name}.inputs.json`), manifest);
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
}
process.argv = [process.argv[0], script, ...args];
// Node 22.1+; a no-op when NODE_DISABLE_COMPILE_CACHE is set, or when NODE_COMPILE_CACHE already
// names one (the tests'). The project's one compile cache, shared with the tests
// (test/support/compile-cache.ts): a script run warms it for them, and the other way round.
require("node:module").enableCompileCache?.(path.join(root, ".cache", "node-compile"));
require(bundle);
