/** The command line of e2e/run.ts and which scenarios a selection runs. */
import { SCENARIOS, Scenario } from "./scenarios";

export interface Options {
  readonly only: readonly string[];
  readonly keep: boolean;
}

export function parseArgs(argv: readonly string[]): Options {
  const only: string[] = [];
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") keep = true;
    else if (arg === "--only") {
      const id = argv[++i];
      if (!id || !SCENARIOS.some((s) => s.id === id)) {
        throw new UsageError(`--only ${id ?? ""}: not a scenario; scenarios: ${SCENARIOS.map((s) => s.id).join(", ")}`);
      }
      only.push(id);
    } else if (arg === "--help" || arg === "-h") throw new UsageError("usage: npm run e2e -- [--only <scenario>]... [--keep]");
    else throw new UsageError(`unknown argument ${arg}; usage: npm run e2e -- [--only <scenario>]... [--keep]`);
  }
  return { only, keep };
}

export class UsageError extends Error {}

/** The selected scenarios and everything they start from, in the order of SCENARIOS. */
export function plan(only: readonly string[]): { run: Scenario[]; report: Set<string> } {
  const report = new Set(only.length > 0 ? only : SCENARIOS.map((s) => s.id));
  const needed = new Set<string>();
  const add = (id: string): void => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const dep of SCENARIOS.find((s) => s.id === id)!.after) add(dep);
  };
  for (const id of report) add(id);
  return { run: SCENARIOS.filter((s) => needed.has(s.id)), report };
}
