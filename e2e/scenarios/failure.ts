/** A scenario's failure: its message is the `(<why>)` of the `e2e: <id>: failed` line. */
export class ScenarioFailure extends Error {}

export function check(condition: boolean, why: string): asserts condition {
  if (!condition) throw new ScenarioFailure(why);
}
