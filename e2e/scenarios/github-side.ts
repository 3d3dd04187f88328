/**
 * github-side: the production-like stack's GitHub resources created, updated and deleted by
 * the real GitHub provider against the loopback GitHub API double (e2e/github-double/).
 */
import type { World } from "./scenarios";
import { ScenarioFailure } from "./scenarios";

export async function githubSide(world: World): Promise<void> {
  if (world.githubApi === undefined) throw new ScenarioFailure("the GitHub API double is not running");
  throw new ScenarioFailure("not implemented yet: the GitHub provider (pulumi-resource-github 6.15.0) cannot be built from the module proxy (e2e/README.md)");
}
