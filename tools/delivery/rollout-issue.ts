/**
 * The issue deploy.yml keeps after a failed rollout: one per stack and failed version, saying
 * what happened (rolled back at once, or an incident with the migration Job's and the failing
 * pods' logs and events and the exact command to roll back once the schema question is settled).
 * A later failure of the same version comments on it instead of opening another.
 *
 * Run by Node directly on the runner (type stripping, no `npm ci`): only `node:` imports and ./github-rest.ts, so no
 * third-party code runs beside the issues token.
 *   node tools/delivery/rollout-issue.ts upkeep (env: STACK, DECISION, REPORT, ROLLBACK_OUTCOME,
 *     GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, RUN_URL)
 */
import * as fs from "node:fs";
import { type Fetch, actionLine, githubRest, requiredEnv } from "./github-rest.ts";
import { runOnRunner } from "./runner-entry.ts";

/** The label of every rollout issue. */
export const ROLLOUT_LABEL = "rollout-failure";

/** What rollout-decision.ts wrote (the fields read here). */
export interface Decision {
  readonly action: "rollback" | "incident";
  readonly stack: string;
  readonly failedVersion: string;
  readonly previous?: string;
  readonly why: string;
  readonly command?: string;
}

/** The rollback step's outcome: `success`, `failure`, or empty when it did not run. */
export type RollbackOutcome = "success" | "failure" | "";

export interface OpenIssue {
  readonly number: number;
  readonly body: string | null;
}

export type RolloutIssueAction =
  | { readonly action: "open"; readonly title: string; readonly body: string; readonly labels: readonly string[] }
  | { readonly action: "comment"; readonly number: number; readonly body: string };

const markerOf = (stack: string, version: string): string => `<!-- smartem-rollout stack=${stack} version=${version} -->`;

export function issueTitle(decision: Decision, outcome: RollbackOutcome): string {
  const stack = decision.stack.split("/").pop();
  return decision.action === "rollback" && outcome === "success"
    ? `Rolled back ${stack} from ${decision.failedVersion} to ${decision.previous}`
    : `Incident: ${stack} failed to roll out ${decision.failedVersion}`;
}

/** The report of this run (pure). `report` is the collected logs and events (markdown). */
export function reportBody(decision: Decision, outcome: RollbackOutcome, report: string, runUrl: string): string {
  const stack = decision.stack.split("/").pop()!;
  const lines = [`\`pulumi up\` of **${stack}** with ${decision.failedVersion} failed ([run](${runUrl})). ${decision.why}.`, ""];
  if (decision.action === "rollback" && outcome === "success") {
    lines.push(
      `**Rolled back at once to ${decision.previous}**, no manual step: \`${decision.command}\`.`,
      "",
      `The rollback ran in the runner only: \`Pulumi.${stack}.yaml\` on main still pins ${decision.failedVersion}, so the next deploy would try it again. ` +
        `Pin ${decision.previous} there (a PR), or fix forward with a newer release; then close this issue.`,
    );
  } else {
    if (decision.action === "rollback")
      lines.push(`**The automatic rollback to ${decision.previous} failed** as well; see the run.`, "");
    lines.push(
      "**The old pods keep serving; nothing was retried.** Decide whether the previous version works with the migrated schema " +
        "(or downgrade the schema by hand, `alembic downgrade <revision>` from a pod of the newer version), then roll back with:",
      "",
      "```sh",
      decision.command ??
        `# no earlier version: fix forward with a new release (npm run bump -- --stack ${stack} --version <next>)`,
      "```",
      "",
      `and pin that version in \`Pulumi.${stack}.yaml\` (a PR) so the next deploy does not try ${decision.failedVersion} again.`,
    );
  }
  if (report.trim())
    lines.push(
      "",
      "<details><summary>Migration Job and failing pods: logs and events</summary>",
      "",
      report.slice(0, 50000),
      "",
      "</details>",
    );
  lines.push("");
  return lines.join("\n");
}

/** Open the stack+version's issue, or comment on it when it is open already (pure). */
export function decideRolloutIssue(
  decision: Decision,
  outcome: RollbackOutcome,
  open: readonly OpenIssue[],
  report: string,
  runUrl: string,
): RolloutIssueAction {
  const marker = markerOf(decision.stack.split("/").pop()!, decision.failedVersion);
  const body = reportBody(decision, outcome, report, runUrl);
  const tracked = open.filter((issue) => (issue.body ?? "").startsWith(marker)).sort((a, b) => a.number - b.number)[0];
  if (tracked) return { action: "comment", number: tracked.number, body };
  return { action: "open", title: issueTitle(decision, outcome), body: `${marker}\n${body}`, labels: [ROLLOUT_LABEL] };
}

export async function upkeep(env: NodeJS.ProcessEnv, fetchImpl: Fetch = fetch as unknown as Fetch): Promise<RolloutIssueAction> {
  const need = requiredEnv(env);
  const decision = JSON.parse(fs.readFileSync(need("DECISION"), "utf8")) as Decision;
  if (decision.stack.split("/").pop() !== need("STACK"))
    throw new Error(`DECISION is for stack ${decision.stack}, not ${env.STACK}`);
  const outcome = (env.ROLLBACK_OUTCOME ?? "") as RollbackOutcome;
  if (!["success", "failure", ""].includes(outcome))
    throw new Error(`ROLLBACK_OUTCOME = ${JSON.stringify(outcome)}; allowed: success, failure or empty`);
  const report = env.REPORT && fs.existsSync(env.REPORT) ? fs.readFileSync(env.REPORT, "utf8") : "";
  const { call, openIssues } = githubRest(env, fetchImpl);
  const open = await openIssues<OpenIssue>(ROLLOUT_LABEL);
  const action = decideRolloutIssue(decision, outcome, open, report, need("RUN_URL"));
  if (action.action === "open") await call("POST", "/issues", { title: action.title, body: action.body, labels: action.labels });
  else await call("POST", `/issues/${action.number}/comments`, { body: action.body });
  return action;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== "upkeep" || rest.length > 0) {
    process.stderr.write("usage: node tools/delivery/rollout-issue.ts upkeep\n");
    return 2;
  }
  process.stdout.write(actionLine(await upkeep(process.env)));
  return 0;
}

runOnRunner("rollout-issue.ts", main);
