/**
 * What a scenario's outcome is and how a run reports it: `e2e: <id>: passed`,
 * `e2e: <id>: failed (<why>)`, `e2e: <id>: skipped (blocked: <why>)`, then one line
 * `N passed, N failed, N skipped`. Skipped is only for a tool the Go module proxy does not
 * serve at all (e2e/tools/pins.json records which); any other missing tool is a failure.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

export type Outcome =
  | { readonly status: "passed" }
  | { readonly status: "failed"; readonly why: string }
  | { readonly status: "skipped"; readonly why: string };

interface PinsFile {
  readonly packages: Record<string, { readonly module: string; readonly unavailable?: { readonly built: string | null } }>;
}

/** The provider binary the CLI looks up on PATH for an npm provider package (`@pulumi/random` -> `pulumi-resource-random`). */
export const providerBinary = (npmPackage: string): string => `pulumi-resource-${npmPackage.replace(/^@pulumi\//, "")}`;

/**
 * Provider binaries that cannot be built because the proxy serves no version of their Go module
 * (`unavailable.built: null` in pins.json), with the reason a skipped scenario prints.
 */
export function blockedTools(pins: PinsFile): Map<string, string> {
  const blocked = new Map<string, string>();
  for (const [name, pin] of Object.entries(pins.packages)) {
    if (pin.unavailable && pin.unavailable.built === null && name !== "@pulumi/pulumi") {
      blocked.set(providerBinary(name), `${pin.module} is not served by the Go module proxy`);
    }
  }
  return blocked;
}

export function readBlockedTools(repo: string): Map<string, string> {
  return blockedTools(JSON.parse(readFileSync(path.join(repo, "e2e", "tools", "pins.json"), "utf8")) as PinsFile);
}

/**
 * The outcome of a scenario that cannot start: a missing tool the proxy does not serve skips
 * it (blocked), any other missing tool fails it; undefined when every tool is there.
 */
export function missingToolsOutcome(missing: readonly string[], blocked: ReadonlyMap<string, string>): Outcome | undefined {
  if (missing.length === 0) return undefined;
  const unblocked = missing.filter((t) => !blocked.has(t));
  if (unblocked.length > 0) {
    return { status: "failed", why: `tool missing on PATH: ${unblocked.join(", ")} (see e2e/README.md)` };
  }
  return {
    status: "skipped",
    why: `blocked: ${missing.map((t) => `${t}: ${blocked.get(t)!}`).join("; ")}`,
  };
}

/** The outcome of a scenario whose starting point did not pass, or undefined when all did. */
export function dependencyOutcome(after: readonly string[], results: ReadonlyMap<string, Outcome>): Outcome | undefined {
  for (const dep of after) {
    const r = results.get(dep);
    if (r?.status === "failed") return { status: "failed", why: `it starts from ${dep}, which failed` };
    if (r?.status === "skipped") return { status: "skipped", why: `it starts from ${dep}, which was skipped (${r.why})` };
  }
  return undefined;
}

export function outcomeLine(id: string, outcome: Outcome | undefined): string {
  if (outcome === undefined) return `e2e: ${id}: failed (not run)`;
  return outcome.status === "passed" ? `e2e: ${id}: passed` : `e2e: ${id}: ${outcome.status} (${outcome.why})`;
}

/** The final line; skipped counts only when something was skipped, so a clean run reads `N passed, 0 failed`. */
export function summaryLine(counts: { passed: number; failed: number; skipped: number }): string {
  return `${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ""}`;
}

/** The report of a run: one line per reported scenario, the summary, the exit code (1 on any failure). */
export function report(ids: Iterable<string>, results: ReadonlyMap<string, Outcome>): { lines: string[]; code: number } {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const id of ids) {
    const outcome = results.get(id);
    counts[outcome?.status ?? "failed"]++;
    lines.push(outcomeLine(id, outcome));
  }
  lines.push(summaryLine(counts));
  return { lines, code: counts.failed === 0 ? 0 : 1 };
}
