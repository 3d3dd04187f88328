/**
 * Loaded by mocha (`--require`, see .mocharc.json) so that CommonJS tests can
 * `require("@actions/workflow-parser")`: its `exports` offer only `import`, and it
 * imports its JSON schemas without import attributes. Two synchronous module hooks:
 * resolve the package (and its `@actions/*` dependencies) for `require`, and serve its
 * `.json` files as ES modules when they are imported.
 */
import * as fs from "node:fs";
import * as module from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const PACKAGE = "@actions/workflow-parser";
// Its `exports` hide package.json from require.resolve: look along the module search paths.
const found = (require.resolve.paths(PACKAGE) ?? [])
  .map((dir) => path.join(dir, PACKAGE))
  .find((dir) => fs.existsSync(path.join(dir, "package.json")));
if (!found) throw new Error(`${PACKAGE} is not installed (npm ci)`);
// The ES loader works on real paths (node_modules may be a symlink).
const packageRoot = fs.realpathSync(found);
const entry = pathToFileURL(path.join(packageRoot, "dist", "index.js")).href;
const rootUrl = pathToFileURL(packageRoot + path.sep).href;

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === PACKAGE) return { url: entry, format: "module", shortCircuit: true };
    // Its own dependencies (@actions/expressions/...) also export for `import` only.
    if (specifier.startsWith("@actions/") && context.parentURL?.startsWith(rootUrl)) {
      return nextResolve(specifier, { ...context, conditions: [...(context.conditions ?? []), "import"] });
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    // Only an ES `import` needs this; under tsx the package is transpiled to CommonJS and
    // `require` reads JSON natively.
    if (url.startsWith(rootUrl) && url.endsWith(".json") && context.conditions?.includes("import")) {
      const loaded = nextLoad(url, { ...context, format: "json" });
      const text = typeof loaded.source === "string" ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString("utf8");
      return { format: "module", source: `export default ${text};`, shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});
