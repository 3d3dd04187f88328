/**
 * GitHub Actions filter patterns (branches, tags, paths) as GitHub documents them:
 * `*` matches any characters but `/`, `**` any characters, `?` one character.
 * Used by tests to decide which events start a generated workflow.
 */
import type { Triggers } from "../../components/actions/model";

export function filterMatches(pattern: string, value: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`).test(value);
}

export type Event =
  | { readonly eventName: "push"; readonly ref: string; readonly changed?: readonly string[] }
  | { readonly eventName: "pull_request"; readonly changed: readonly string[] };

const anyMatch = (patterns: readonly string[] | undefined, value: string): boolean =>
  patterns === undefined || patterns.some((p) => filterMatches(p, value));

/** Whether an event starts a run of a workflow with these triggers. */
export function startsRun(on: Triggers, event: Event): boolean {
  if (event.eventName === "pull_request") {
    const pr = on.pullRequest;
    return pr !== undefined && (event.changed ?? []).some((f) => anyMatch(pr.paths, f));
  }
  const push = on.push;
  if (!push) return false;
  if (event.ref.startsWith("refs/tags/")) {
    // Path filters are not evaluated for tag pushes; with only branches given, tags never run.
    return push.tags !== undefined && anyMatch(push.tags, event.ref.slice("refs/tags/".length));
  }
  if (event.ref.startsWith("refs/heads/")) {
    if (push.branches === undefined) return false;
    return (
      anyMatch(push.branches, event.ref.slice("refs/heads/".length)) &&
      (push.paths === undefined || (event.changed ?? []).some((f) => anyMatch(push.paths, f)))
    );
  }
  return false;
}
