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
const cache = path.join(__dirname, "..", "node_modules", ".cache", "smartem");
fs.mkdirSync(cache, { recursive: true });
const outfile = path.join(cache, `${path.basename(entry, ".ts")}.${process.pid}.cjs`);
esbuild.buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
  outfile,
});
process.argv = [process.argv[0], path.resolve(entry), ...args];
process.on("exit", () => fs.rmSync(outfile, { force: true }));
require(outfile);
