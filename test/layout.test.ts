/**
 * The layout's rules, checked on the import graph of every project file: no import cycle
 * between files, none between folders, and imports only in the allowed directions.
 *
 * madge finds the cycles. The graph is read with TypeScript's import scanner
 * (`ts.preProcessFile`) and handed to madge as a tree: madge's own detective parses every
 * file in full and takes several seconds here, the scanner a fraction of one.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import madge from "madge";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
/** The folders tsconfig.json compiles, plus the entry point. */
const SOURCES = ["index.ts", "components", "tools", "scripts", "policy", "test"];

function tsFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.statSync(full).isDirectory()) return entry.endsWith(".ts") ? [entry] : [];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.name.endsWith(".ts"))
    .flatMap((e) => tsFiles(path.posix.join(entry, e.name)));
}

/** A relative import as the compiler resolves it (module resolution node10), or undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [base, `${base}.ts`, `${base}/index.ts`].find(
    (candidate) => candidate.endsWith(".ts") && fs.existsSync(path.join(ROOT, candidate)),
  );
}

/** File -> the project files it imports (import, export from, require, import()). */
function importGraph(): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  for (const file of SOURCES.flatMap(tsFiles)) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const imports = info.importedFiles.map((i) => resolveImport(file, i.fileName)).filter((f): f is string => f !== undefined);
    graph[file] = [...new Set(imports)].sort();
  }
  return graph;
}

const folderOf = (file: string): string => path.posix.dirname(file);
const isUnder = (file: string, folder: string): boolean => file.startsWith(`${folder}/`);

describe("layout", () => {
  let graph: Record<string, string[]>;
  before(() => {
    graph = importGraph();
  });

  const edges = (): Array<[string, string]> =>
    Object.entries(graph).flatMap(([from, to]) => to.map((t): [string, string] => [from, t]));

  it("reads the imports of every project file", () => {
    expect(graph["index.ts"]).to.include("components/program.ts");
    expect(graph["components/program.ts"]).to.include("components/program-config.ts");
  });

  it("has no import cycle between files", async () => {
    const result = await madge(graph, { fileExtensions: ["ts"] });
    expect(result.circular()).to.deep.equal([]);
  });

  it("has no import cycle between folders", async () => {
    const folders: Record<string, string[]> = {};
    for (const [from, to] of edges()) {
      const [a, b] = [folderOf(from), folderOf(to)];
      folders[a] ??= [];
      folders[b] ??= [];
      if (a !== b && !folders[a].includes(b)) folders[a].push(b);
    }
    const result = await madge(folders, {});
    expect(result.circular()).to.deep.equal([]);
  });

  it("imports only in the allowed directions", () => {
    const forbidden = edges().flatMap(([from, to]) => {
      const why = [
        isUnder(from, "components") &&
          ["tools", "policy", "test", "scripts"].some((f) => isUnder(to, f)) &&
          "components/ runs under pulumi up alone",
        !isUnder(from, "test") && isUnder(to, "test") && "only tests import test code",
        isUnder(from, "components/actions") &&
          !isUnder(to, "components/actions") &&
          "components/actions is a generic model with no project imports",
      ].find(Boolean);
      return why ? [`${from} -> ${to}: ${why}`] : [];
    });
    expect(forbidden).to.deep.equal([]);
  });
});
