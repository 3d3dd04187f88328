/**
 * Checks of a GitHub Actions workflow file's text: pinned actions and least-privilege
 * token permissions. Pure; returns every problem found.
 */
import * as YAML from "yaml";
import { Loose } from "./pod-specs";

/** Steps using these need an OIDC token (PyPI trusted publishing, build provenance). */
export const OIDC_ACTIONS: readonly string[] = ["pypa/gh-action-pypi-publish", "actions/attest-build-provenance"];

/** `owner/repo[/path]@<40 hex>`: a full commit SHA is the only immutable action ref. */
const SHA_PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;

/** A workflow's text parsed, or why it does not parse. */
type Parsed = { readonly value: unknown } | { readonly error: string };

// Two policies read every workflow, and a process evaluates several stacks of the same
// workflows: each text is parsed once. Policies only read what they are given.
const parsedByContent = new Map<string, Parsed>();
const PARSED_KEPT = 256;

function parseWorkflow(content: string): Parsed {
  let parsed = parsedByContent.get(content);
  if (parsed === undefined) {
    try {
      parsed = { value: YAML.parse(content) };
    } catch (error) {
      parsed = { error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
    }
    if (parsedByContent.size >= PARSED_KEPT) parsedByContent.clear();
    parsedByContent.set(content, parsed);
  }
  return parsed;
}

export function workflowProblems(content: string): string[] {
  const result = parseWorkflow(content);
  if ("error" in result) return [`is not valid YAML: ${result.error}`];
  const parsed = result.value;
  if (!parsed || typeof parsed !== "object") return ["is not a workflow (no mapping at the top)"];
  const workflow = parsed as Loose;
  const problems: string[] = [];

  const top = topLevelPermissionProblem(workflow.permissions);
  if (top) problems.push(`top-level permissions ${top}; grant writes per job`);

  const jobs = workflow.jobs && typeof workflow.jobs === "object" ? (workflow.jobs as Loose) : {};
  for (const [jobId, job] of Object.entries(jobs)) {
    if (!job || typeof job !== "object") continue;
    const uses = [job.uses, ...(Array.isArray(job.steps) ? job.steps.map((s: Loose) => s?.uses) : [])].filter(
      (u): u is string => typeof u === "string",
    );
    for (const ref of uses) {
      const problem = usesProblem(ref);
      if (problem) problems.push(`job ${jobId}: ${problem}`);
    }
    const publishes = uses.some((ref) => OIDC_ACTIONS.some((action) => ref.startsWith(`${action}@`)));
    if (grantsIdToken(job.permissions) && !publishes) {
      problems.push(
        `job ${jobId} grants id-token: write but publishes nothing (only jobs using ${OIDC_ACTIONS.join(" or ")} may)`,
      );
    }
  }
  return problems;
}

function usesProblem(ref: string): string | undefined {
  if (ref.startsWith("./")) return undefined; // an action or workflow of the same commit
  if (ref.startsWith("docker://")) {
    return /@sha256:[0-9a-f]{64}$/.test(ref) ? undefined : `uses ${ref}: pin the container by @sha256 digest`;
  }
  return SHA_PINNED.test(ref) ? undefined : `uses ${ref}: pin it to a full 40-character commit SHA (owner/repo@<sha> # vX.Y.Z)`;
}

function grantsIdToken(permissions: unknown): boolean {
  if (permissions === "write-all") return true;
  return Boolean(permissions && typeof permissions === "object" && (permissions as Loose)["id-token"] === "write");
}

/** Why a top-level `permissions` block is not read-only, or undefined when it is. */
function topLevelPermissionProblem(permissions: unknown): string | undefined {
  if (permissions === undefined || permissions === null) {
    return "are missing (the token then gets the repository default, often write); set permissions: {} or read-only scopes";
  }
  if (permissions === "read-all") return undefined;
  if (typeof permissions === "string") return `are ${JSON.stringify(permissions)}; use {} or read-only scopes`;
  if (typeof permissions !== "object") return `are ${JSON.stringify(permissions)}; use {} or read-only scopes`;
  const writes = Object.entries(permissions as Loose)
    .filter(([, level]) => level !== "read" && level !== "none")
    .map(([scope, level]) => `${scope}: ${String(level)}`);
  return writes.length > 0 ? `grant ${writes.join(", ")}` : undefined;
}

const PYPI_PUBLISH = "pypa/gh-action-pypi-publish@";

/** The environments a workflow's PyPI publish jobs run in (unset: `""`), from its YAML text. */
export function pypiPublishEnvironments(content: string): string[] {
  const result = parseWorkflow(content);
  if ("error" in result) return [];
  const parsed = result.value;
  const jobs = parsed && typeof parsed === "object" ? ((parsed as Loose).jobs as Loose | undefined) : undefined;
  const found: string[] = [];
  for (const job of Object.values(jobs && typeof jobs === "object" ? jobs : {})) {
    if (!job || typeof job !== "object" || !Array.isArray(job.steps)) continue;
    if (!job.steps.some((s: Loose) => typeof s?.uses === "string" && s.uses.startsWith(PYPI_PUBLISH))) continue;
    const environment = typeof job.environment === "string" ? job.environment : job.environment?.name;
    found.push(typeof environment === "string" ? environment : "");
  }
  return found;
}
