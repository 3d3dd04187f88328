/**
 * The nightly drift check's verdict and its tracker issue, one per stack.
 *
 * `classify`: the drift job runs `pulumi preview --refresh --expect-no-changes --json` and hands
 * its exit code and stdout here. Exit 0 is a clean stack; exit 7 (the CLI's code for
 * "--expect-no-changes, but changes were proposed") with a JSON plan that shows changes is
 * drift; anything else is an error, which fails the job and leaves the issue alone.
 * `upkeep`: the issue job (the only one with `issues: write`, no cloud credentials) opens the
 * stack's issue with the findings, edits it when they change, closes it when the stack is clean.
 *
 * Run by Node directly on the runner (type stripping, no `npm ci`): only `node:` imports and ./github-rest.ts, so no
 * third-party code runs beside the issues token.
 *   node tools/delivery/drift-issue.ts classify <exit code> <preview.json> <findings.json>
 *   node tools/delivery/drift-issue.ts upkeep   (env: STACK, RESULT, FINDINGS, GITHUB_TOKEN,
 *                                                GITHUB_REPOSITORY, GITHUB_API_URL, RUN_URL)
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { type Fetch, actionLine, githubRest, requiredEnv } from "./github-rest.ts";
import { runOnRunner } from "./runner-entry.ts";

/** `pulumi preview --expect-no-changes` with changes (Pulumi's exit-code taxonomy, 3.2xx and later). */
export const EXIT_NO_CHANGES_EXPECTED = 7;
/** The label every drift issue carries; the marker in its body names the stack. */
export const DRIFT_LABEL = "drift";
/**
 * Step operations that change nothing: the CLI's own rule for `--expect-no-changes`
 * (engine.HasChanges), plus `refresh`, which a refresh that found nothing leaves in the steps.
 */
const UNCHANGED_OPS = new Set(["same", "read", "discard", "read-replacement", "refresh"]);

/** The parts of Pulumi's preview JSON (display.PreviewDigest) read here. */
export interface PreviewDigest {
  readonly steps?: ReadonlyArray<{
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    readonly detailedDiff?: Readonly<Record<string, unknown>>;
  }>;
  readonly changeSummary?: Readonly<Record<string, number>>;
}

/** One changed resource: what, which, and the names (never the values) of its changed properties. */
export interface Finding {
  readonly op: string;
  readonly type: string;
  readonly name: string;
  readonly properties: readonly string[];
}

export type Verdict =
  | { readonly result: "clean" }
  | { readonly result: "drift"; readonly findings: readonly Finding[] }
  | { readonly result: "error"; readonly reason: string };

/** `urn:pulumi:<stack>::<project>::<parent types$>type::name` -> type and name. */
function splitUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: (parts[2] ?? urn).split("$").pop() ?? urn, name: parts.slice(3).join("::") };
}

/** The changed resources of a preview digest (empty when it changes nothing). */
export function findingsOf(digest: PreviewDigest): Finding[] {
  return (digest.steps ?? [])
    .filter((step) => !UNCHANGED_OPS.has(step.op))
    .map((step) => ({
      op: step.op,
      ...splitUrn(step.urn),
      properties: [...new Set([...Object.keys(step.detailedDiff ?? {}), ...(step.diffReasons ?? [])])].sort(),
    }));
}

function changeCount(digest: PreviewDigest): number {
  return Object.entries(digest.changeSummary ?? {})
    .filter(([op]) => !UNCHANGED_OPS.has(op))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** The verdict from the exit code and stdout of `pulumi preview --refresh --expect-no-changes --json`. */
export function classify(exitCode: number, stdout: string): Verdict {
  if (exitCode === 0) return { result: "clean" };
  if (exitCode !== EXIT_NO_CHANGES_EXPECTED) {
    return { result: "error", reason: `pulumi preview failed with exit code ${exitCode}; this is not a drift finding` };
  }
  let digest: PreviewDigest;
  try {
    digest = JSON.parse(stdout) as PreviewDigest;
  } catch {
    return { result: "error", reason: `pulumi preview exited ${exitCode} without a JSON plan on stdout` };
  }
  const findings = findingsOf(digest);
  if (changeCount(digest) === 0 || findings.length === 0) {
    return { result: "error", reason: `pulumi preview exited ${exitCode}, but its plan shows no change` };
  }
  return { result: "drift", findings };
}

/** An open issue as the issues API lists it. */
export interface OpenIssue {
  readonly number: number;
  readonly body: string | null;
}

export type IssueAction =
  | { readonly action: "none"; readonly why: string }
  | { readonly action: "open"; readonly title: string; readonly body: string; readonly labels: readonly string[] }
  | { readonly action: "edit"; readonly number: number; readonly body: string }
  | { readonly action: "close"; readonly number: number; readonly comment: string };

const markerOf = (stack: string): string => `<!-- smartem-drift stack=${stack} `;

/** A short digest of the findings, kept in the marker so an unchanged finding is not re-edited. */
export function fingerprint(findings: readonly Finding[]): string {
  return createHash("sha256").update(JSON.stringify(findings)).digest("hex").slice(0, 16);
}

export function issueBody(stack: string, findings: readonly Finding[], runUrl: string): string {
  const cell = (text: string): string => text.replace(/\|/g, "\\|");
  return [
    `${markerOf(stack)}findings=${fingerprint(findings)} -->`,
    `The nightly drift check found that what runs for stack **${stack}** differs from \`main\` ` +
      `(\`pulumi preview --refresh --expect-no-changes\`, [run](${runUrl})).`,
    "",
    "| change | resource type | name | properties |",
    "| --- | --- | --- | --- |",
    ...findings.map(
      (f) => `| ${f.op} | \`${cell(f.type)}\` | ${cell(f.name)} | ${f.properties.map((p) => `\`${cell(p)}\``).join(", ")} |`,
    ),
    "",
    "Either a change made outside Pulumi (revert it, or make it in code), or a merged change not applied " +
      `yet (a deploy of ${stack} waiting for approval shows here until it is applied). ` +
      "This issue is edited when the findings change and closed by the first clean check.",
    "",
  ].join("\n");
}

/** What to do with the stack's tracker issue (pure). An error never reaches here: its job fails first. */
export function decideIssue(stack: string, verdict: Verdict, open: readonly OpenIssue[], runUrl: string): IssueAction {
  if (verdict.result === "error")
    throw new Error(`drift check of ${stack} failed (${verdict.reason}); the issue is left as it is`);
  const tracked = open.filter((issue) => (issue.body ?? "").startsWith(markerOf(stack))).sort((a, b) => a.number - b.number)[0];
  if (verdict.result === "clean") {
    return tracked
      ? { action: "close", number: tracked.number, comment: `The drift check of ${stack} is clean again ([run](${runUrl})).` }
      : { action: "none", why: `${stack} is clean and has no open drift issue` };
  }
  const body = issueBody(stack, verdict.findings, runUrl);
  if (!tracked) return { action: "open", title: `Drift in stack ${stack}`, body, labels: [DRIFT_LABEL] };
  if ((tracked.body ?? "").split("\n")[0] === body.split("\n")[0]) {
    return { action: "none", why: `issue #${tracked.number} already shows these findings` };
  }
  return { action: "edit", number: tracked.number, body };
}

/** Reads the open drift issues, decides, and applies the decision through GitHub's REST API. */
export async function upkeep(env: NodeJS.ProcessEnv, fetchImpl: Fetch = fetch as unknown as Fetch): Promise<IssueAction> {
  const need = requiredEnv(env);
  const stack = need("STACK");
  const result = need("RESULT");
  if (result !== "clean" && result !== "drift") throw new Error(`RESULT = ${JSON.stringify(result)}; allowed: clean or drift`);
  const verdict: Verdict =
    result === "clean" ? { result } : { result, findings: JSON.parse(fs.readFileSync(need("FINDINGS"), "utf8")) as Finding[] };
  const { call, openIssues } = githubRest(env, fetchImpl);
  const open = await openIssues<OpenIssue>(DRIFT_LABEL);
  const action = decideIssue(stack, verdict, open, need("RUN_URL"));
  if (action.action === "open") await call("POST", "/issues", { title: action.title, body: action.body, labels: action.labels });
  if (action.action === "edit") await call("PATCH", `/issues/${action.number}`, { body: action.body });
  if (action.action === "close") {
    await call("POST", `/issues/${action.number}/comments`, { body: action.comment });
    await call("PATCH", `/issues/${action.number}`, { state: "closed", state_reason: "completed" });
  }
  return action;
}

function summary(verdict: Verdict): string {
  if (verdict.result !== "drift") return verdict.result;
  return verdict.findings
    .map((f) => `  ${f.op} ${f.type} ${f.name}${f.properties.length ? ` (${f.properties.join(", ")})` : ""}`)
    .join("\n");
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "classify" && rest.length === 3) {
    const [exitCode, previewFile, findingsFile] = rest as [string, string, string];
    const stdout = fs.existsSync(previewFile) ? fs.readFileSync(previewFile, "utf8") : "";
    const verdict = classify(Number(exitCode), stdout);
    if (verdict.result === "error") {
      process.stderr.write(`::error::${verdict.reason}; the drift issue is left as it is\n`);
      return 1;
    }
    fs.writeFileSync(findingsFile, JSON.stringify(verdict.result === "drift" ? verdict.findings : [], null, 2) + "\n");
    process.stderr.write(`${summary(verdict)}\n`);
    process.stdout.write(`${verdict.result}\n`);
    return 0;
  }
  if (command === "upkeep" && rest.length === 0) {
    process.stdout.write(actionLine(await upkeep(process.env)));
    return 0;
  }
  process.stderr.write(
    "usage: node tools/delivery/drift-issue.ts classify <exit code> <preview.json> <findings.json> | upkeep\n",
  );
  return 2;
}

runOnRunner("drift-issue.ts", main);
