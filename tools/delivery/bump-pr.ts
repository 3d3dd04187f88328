/**
 * The bump PR of one stack (bump.yml): one pull request per stack, on the stable branch
 * `bump/<stack>`, opened, updated, closed or left alone by what the bump job proposed.
 *
 * `body`: the bump job (no write token) writes the PR's body from the proposal, the verified
 * bump's output (digest and attestation identity) and the render diff.
 * `upkeep`: the PR job (the only one with `contents: write` + `pull-requests: write`) applies the
 * bump job's patch on a fresh checkout of main, force-pushes `bump/<stack>` and opens or edits
 * the PR, or closes it when there is nothing to propose any more.
 *
 * Run by Node directly on the runner (type stripping, no `npm ci`): only `node:` imports and ./github-rest.ts, so no
 * third-party code runs beside the write token.
 *   node tools/delivery/bump-pr.ts body   <proposal.json> <bump.log> <render.diff> <body.md>
 *   node tools/delivery/bump-pr.ts upkeep (env: STACK, PROPOSAL, PATCH, BODY, GITHUB_TOKEN,
 *                                          GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, BASE)
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { type Fetch, actionLine, githubRest, requiredEnv } from "./github-rest.ts";
import { runOnRunner } from "./runner-entry.ts";

/** What bump-decision.ts printed for the stack. */
export type Proposal =
  | { readonly action: "bump"; readonly stack: string; readonly version: string; readonly why: string }
  | { readonly action: "none"; readonly stack: string; readonly why: string };

/** The stable branch of a stack's bump PR. */
export const bumpBranch = (stack: string): string => `bump/${stack}`;
/** The label every bump PR carries. */
export const BUMP_LABEL = "bump";

const markerOf = (stack: string): string => `<!-- smartem-bump stack=${stack} `;

/** The first line of a bump PR's body: which stack, version and patch it carries. */
export function marker(stack: string, version: string, patch: string): string {
  return `${markerOf(stack)}version=${version} patch=${createHash("sha256").update(patch).digest("hex").slice(0, 16)} -->`;
}

/** An open PR as the pulls API lists it. */
export interface OpenPr {
  readonly number: number;
  readonly body: string | null;
  readonly head: { readonly ref: string };
}

export type PrAction =
  | { readonly action: "none"; readonly why: string }
  | { readonly action: "open"; readonly title: string }
  | { readonly action: "update"; readonly number: number; readonly title: string }
  | { readonly action: "close"; readonly number: number; readonly comment: string };

export const prTitle = (stack: string, version: string): string => `Bump ${stack} to ${version}`;

/**
 * What to do with the stack's bump PR (pure). `patch` is the change the bump job made (empty
 * when the proposal is none). The PR is the open one on `bump/<stack>` carrying the marker.
 */
export function decidePr(proposal: Proposal, patch: string, open: readonly OpenPr[]): PrAction {
  const { stack } = proposal;
  const tracked = open
    .filter((pr) => pr.head.ref === bumpBranch(stack) && (pr.body ?? "").startsWith(markerOf(stack)))
    .sort((a, b) => a.number - b.number)[0];
  if (proposal.action === "none" || patch.trim() === "") {
    const why = proposal.action === "none" ? proposal.why : `the bump to ${proposal.version} changes nothing on main`;
    return tracked
      ? { action: "close", number: tracked.number, comment: `Nothing to propose for ${stack} any more: ${why}.` }
      : { action: "none", why };
  }
  const title = prTitle(stack, proposal.version);
  if (!tracked) return { action: "open", title };
  if ((tracked.body ?? "").split("\n")[0] === marker(stack, proposal.version, patch)) {
    return { action: "none", why: `PR #${tracked.number} already proposes this change` };
  }
  return { action: "update", number: tracked.number, title };
}

/** The verified bump's evidence, read from `npm run bump`'s output. */
export function verifiedEvidence(bumpLog: string): { reference: string; identity: string } | undefined {
  const match = /^verified: (\S+), built and attested by (\S+)$/m.exec(bumpLog);
  return match ? { reference: match[1]!, identity: match[2]! } : undefined;
}

/** The release page of the tag the attestation identity names (`.../.github/workflows/x.yml@refs/tags/<tag>`). */
export function releaseNotesUrl(identity: string): string | undefined {
  const match = /^(https:\/\/[^/]+\/[^/]+\/[^/]+)\/\.github\/workflows\/[^@]+@refs\/tags\/(.+)$/.exec(identity);
  return match ? `${match[1]}/releases/tag/${match[2]}` : undefined;
}

/** The body of the stack's bump PR (without its marker line). */
export function prBody(
  proposal: Extract<Proposal, { action: "bump" }>,
  bumpLog: string,
  renderDiff: string,
  runUrl: string,
): string {
  const evidence = verifiedEvidence(bumpLog);
  const notes = evidence && releaseNotesUrl(evidence.identity);
  const limit = 60000;
  return [
    `Moves stack **${proposal.stack}** to **${proposal.version}**: ${proposal.why}.`,
    "",
    `- Release notes: ${notes ?? "(no verified attestation named the release tag)"}`,
    evidence
      ? `- Verified: \`${evidence.reference}\`, SLSA provenance v1 attested by \`${evidence.identity}\``
      : "- **Not verified**: the bump printed no verified attestation (see the run)",
    `- Made by \`npm run bump -- --stack ${proposal.stack} --version ${proposal.version}\` and \`npm run golden\` ([run](${runUrl})).`,
    "",
    "### What changes in the rendered desired state",
    "```diff",
    renderDiff.length > limit ? `${renderDiff.slice(0, limit)}\n... (cut; the whole diff is in the run's summary)` : renderDiff,
    "```",
    "",
    "Merging deploys it (deploy.yml). This PR is updated when a newer release is proposed and closed when there is nothing to propose.",
    "",
  ].join("\n");
}

/** Runs git; tests pass their own. */
export type Git = (args: readonly string[]) => string;
const realGit: Git = (args) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

/** Reads the open bump PRs, decides, pushes the branch when needed and applies the decision. */
export async function upkeep(
  env: NodeJS.ProcessEnv,
  fetchImpl: Fetch = fetch as unknown as Fetch,
  git: Git = realGit,
): Promise<PrAction> {
  const need = requiredEnv(env);
  const stack = need("STACK");
  const proposal = JSON.parse(fs.readFileSync(need("PROPOSAL"), "utf8")) as Proposal;
  if (proposal.stack !== stack) throw new Error(`PROPOSAL is for stack ${proposal.stack}, not ${stack}`);
  const patchFile = env.PATCH ?? "";
  const patch = patchFile && fs.existsSync(patchFile) ? fs.readFileSync(patchFile, "utf8") : "";
  const repository = need("GITHUB_REPOSITORY");
  const token = need("GITHUB_TOKEN");
  const base = env.BASE ?? "main";
  const { call } = githubRest(env, fetchImpl);
  const owner = repository.split("/")[0];
  const open = (await call(
    "GET",
    `/pulls?state=open&head=${owner}:${encodeURIComponent(bumpBranch(stack))}&per_page=100`,
  )) as OpenPr[];
  const action = decidePr(proposal, patch, open);
  if (action.action === "open" || action.action === "update") {
    const version = (proposal as Extract<Proposal, { action: "bump" }>).version;
    const body = `${marker(stack, version, patch)}\n${fs.readFileSync(need("BODY"), "utf8")}`;
    // The branch is main plus exactly the bump job's patch, force-pushed: the PR shows one commit.
    git(["apply", "--index", patchFile]);
    git([
      "-c",
      "user.name=github-actions[bot]",
      "-c",
      "user.email=41898282+github-actions[bot]@users.noreply.github.com",
      "commit",
      "--quiet",
      "-m",
      `${prTitle(stack, version)}\n\n${proposal.why}.`,
    ]);
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, "");
    git([
      "-c",
      `http.${server}/.extraheader=AUTHORIZATION: basic ${basic}`,
      "push",
      "--force",
      `${server}/${repository}.git`,
      `HEAD:refs/heads/${bumpBranch(stack)}`,
    ]);
    if (action.action === "open") {
      const pr = (await call("POST", "/pulls", { title: action.title, head: bumpBranch(stack), base, body })) as {
        number: number;
      };
      await call("POST", `/issues/${pr.number}/labels`, { labels: [BUMP_LABEL] });
    } else {
      await call("PATCH", `/pulls/${action.number}`, { title: action.title, body });
    }
  }
  if (action.action === "close") {
    await call("POST", `/issues/${action.number}/comments`, { body: action.comment });
    await call("PATCH", `/pulls/${action.number}`, { state: "closed" });
  }
  return action;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "body" && rest.length === 4) {
    const [proposalFile, bumpLog, renderDiff, out] = rest as [string, string, string, string];
    const proposal = JSON.parse(fs.readFileSync(proposalFile, "utf8")) as Proposal;
    if (proposal.action !== "bump") throw new Error(`no body for a proposal of nothing (${proposal.why})`);
    const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    const runUrl = `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${process.env.GITHUB_REPOSITORY ?? ""}/actions/runs/${process.env.GITHUB_RUN_ID ?? ""}`;
    fs.writeFileSync(out, prBody(proposal, read(bumpLog), read(renderDiff), runUrl));
    return 0;
  }
  if (command === "upkeep" && rest.length === 0) {
    process.stdout.write(actionLine(await upkeep(process.env)));
    return 0;
  }
  process.stderr.write(
    "usage: node tools/delivery/bump-pr.ts body <proposal.json> <bump.log> <render.diff> <body.md> | upkeep\n",
  );
  return 2;
}

runOnRunner("bump-pr.ts", main);
