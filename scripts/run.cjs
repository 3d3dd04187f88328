#!/usr/bin/env node
/**
 * Runs one of this project's TypeScript scripts: `node scripts/run.cjs scripts/render.ts [args]`.
 * esbuild compiles the project's own code into one CommonJS file (packages stay external),
 * which starts in a fraction of the time a per-module TypeScript hook takes. Type checking is
 * `npm test`'s job (tsc), not this launcher's.
 */
"use strict";
const esbuild = require("esbuild");
const fs = require("node:fs");
const path = require("node:path");

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run.cjs <script.ts> [args...]");
  process.exit(2);
}
// Beside the entry, so that the bundle finds this checkout's node_modules and Pulumi.yaml
// (a cache under node_modules would resolve to another checkout where node_modules is a link).
const script = path.resolve(entry);
const outfile = path.join(path.dirname(script), `.${path.basename(script, ".ts")}.${process.pid}.cjs`);
esbuild.buildSync({
  entryPoints: [script],
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
  outfile,
});
process.argv = [process.argv[0], script, ...args];
process.on("exit", () => fs.rmSync(outfile, { force: true }));
require(outfile);
