/**
 * npm run bench: how much the offline render of the dev stack costs over the floor,
 * the bare cost of Node loading @pulumi/pulumi, github, kubernetes and random.
 * Both are measured side by side, alternating, in one run; the ratio of medians is printed.
 * The renders run as `npm run render` does, with V8's compile cache (scripts/run.cjs), so
 * the floor is measured twice: as plain Node loads the packages (the floor every ratio has
 * been set and measured against), and with a compile cache of its own, like for like.
 * A benchmark, not a test: it asserts nothing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runScript } from "../tools/cli";
import { PROJECT_ROOT } from "../tools/engine/stack-file";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const FLOOR = 'require("@pulumi/pulumi");require("@pulumi/github");require("@pulumi/kubernetes");require("@pulumi/random")';

/** Runs Node with `args`: how long it took, and what it printed. */
function timed(args: string[], env: NodeJS.ProcessEnv = process.env): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: "utf8", env });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed:\n${result.stderr}`);
  return { seconds, stdout: result.stdout };
}

const seconds = (args: string[], env?: NodeJS.ProcessEnv): number => timed(args, env).seconds;

/** What each case printed when it last ran (a later case may read an earlier one's). */
const printed = new Map<Case, string>();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Case {
  /** Computed when it is printed, and its args when the case runs: a case may depend on what an earlier one printed. */
  readonly name: () => string;
  readonly args: (out: string) => string[];
}

/** Measures each case against the floor, alternating, prints the ratios and returns the medians. */
function bench(cases: readonly Case[]): number[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "smartem-bench-"));
  try {
    const cached = { ...process.env, NODE_COMPILE_CACHE: path.join(out, "compile-cache") };
    const floor: number[] = [];
    const floorCached: number[] = [];
    const times = cases.map(() => [] as number[]);
    // Warm the file cache, the compile caches and the launcher's bundles; not measured.
    seconds(["-e", FLOOR]);
    seconds(["-e", FLOOR], cached);
    const run = (c: Case, i: number): number => {
      const { seconds, stdout } = timed(c.args(path.join(out, String(i))));
      printed.set(c, stdout);
      return seconds;
    };
    cases.forEach(run);
    for (let round = 0; round < ROUNDS; round++) {
      floor.push(seconds(["-e", FLOOR]));
      floorCached.push(seconds(["-e", FLOOR], cached));
      cases.forEach((c, i) => times[i].push(run(c, i)));
    }
    const base = median(floor);
    const baseCached = median(floorCached);
    console.log(`node ${process.version}, ${ROUNDS} rounds, medians`);
    console.log(`floor (load pulumi, github, kubernetes, random): ${base.toFixed(3)} s`);
    console.log(`floor with a compile cache, like for like: ${baseCached.toFixed(3)} s`);
    return cases.map((c, i) => {
      const t = median(times[i]);
      console.log(
        `${c.name()}: ${t.toFixed(3)} s  ratio ${(t / base).toFixed(2)}x  (like for like ${(t / baseCached).toFixed(2)}x)`,
      );
      return t;
    });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const renderStack = (stack: string): Case => ({
  name: () => `render --stack ${stack}`,
  args: (out) => [path.join(PROJECT_ROOT, "scripts", "run.cjs"), "scripts/render.ts", "--stack", stack, "--out", out],
});

const renderMany = (packages: number): Case => ({
  name: () => `render ${packages} packages x 3 stacks`,
  args: (out) => [
    path.join(PROJECT_ROOT, "scripts", "run.cjs"),
    "scripts/bench-many.ts",
    "--packages",
    String(packages),
    "--out",
    out,
  ],
});

/** How many resources a many-packages case registered (it prints `resources <n>`), once it has run. */
function resourcesOf(many: Case): number {
  const count = /^resources (\d+)$/m.exec(printed.get(many) ?? "")?.[1];
  if (count === undefined) throw new Error(`${many.name()} printed no resource count`);
  return Number(count);
}

/**
 * The SDK alone registering as many bare resources as the `many` case: the lower bound of that
 * case under Pulumi's mock runtime (scripts/bench-sdk.ts). Runs after that case.
 */
const sdkAlone = (many: Case): Case => ({
  name: () => `Pulumi's SDK alone, ${resourcesOf(many)} bare resources (as many as ${many.name()})`,
  args: () => [path.join(PROJECT_ROOT, "scripts", "run.cjs"), "scripts/bench-sdk.ts", "--resources", String(resourcesOf(many))],
});

runScript({
  name: "bench",
  spec: {
    command: "npm run bench --",
    summary: [
      "Measures npm run render -- --stack dev, and renders of 1, 10 and 50 packages on all three stacks,",
      "against the floor (Node loading the Pulumi packages), alternating; prints medians and ratios, and",
      "what Pulumi's SDK alone costs registering as many resources as the 50-package case (its lower bound).",
      "BENCH_ROUNDS=<n> sets the number of rounds (default 7). Asserts nothing.",
    ].join("\n"),
    options: {},
  },
  main: () => {
    if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
      throw new Error(`BENCH_ROUNDS=${process.env.BENCH_ROUNDS}: a whole number of rounds, at least 1`);
    const fiftyPackages = renderMany(50);
    const results = bench([renderStack("dev"), renderMany(1), renderMany(10), fiftyPackages, sdkAlone(fiftyPackages)]);
    // Linear growth: the cost of one more package stays the same as the count grows.
    const [, one, ten, fifty] = results;
    console.log(
      `per package: ${(((ten - one) / 9) * 1000).toFixed(1)} ms (1 -> 10), ${(((fifty - ten) / 40) * 1000).toFixed(1)} ms (10 -> 50)`,
    );
  },
});
