/**
 * This repository's own delivery workflows (smartem-release-infra, not the managed repos):
 * pull request -> tests, offline render diff of base vs head, `pulumi preview` per stack (read-only
 *   credentials, after a reviewer approves, result in the job summary);
 * push to main -> `pulumi up` staging, then production behind its environment's approval;
 * nightly -> drift check (`preview --refresh --expect-no-changes`) per stack, kept as one
 *   tracker issue per stack (tools/delivery/drift-issue.ts).
 * Built with the same typed model and pin table as the release workflows; `npm run golden`
 * writes them to .github/workflows/ and a test keeps the files equal to this source.
 */
import { dependencies } from "../../package.json";
import { Job, Step, Workflow, renderWorkflow } from "../../components/actions/model";
import { PYTHON_TOOLS, RUNNERS, action } from "../../components/actions/pins";
import { KEY } from "../../components/program-config";
import { DELIVERY_BRANCH, DELIVERY_STACKS, DeliveryStack, deliveryEnvironmentName } from "../../components/delivery/environments";
import { readStackFile } from "../engine/stack-file";
import { BACKEND_PACKAGE } from "../../components/backend/names";
import { BUMP_WORKFLOW_FILE, RELEASE_DISPATCH_TYPE } from "../../components/release/bump-trigger";
import { bumpBranch } from "./bump-pr";
import { GUARD_REFUSES } from "./bump-decision";

/** The Pulumi CLI the workflows install: the release of the SDK the program is locked to. */
export const PULUMI_CLI_VERSION = dependencies["@pulumi/pulumi"];

/** Stacks that CI previews, applies and checks for drift (dev is a developer sandbox). */
export const DEPLOYED_STACKS = DELIVERY_STACKS;
export type DeployedStack = DeliveryStack;

const RUNNER = RUNNERS.linux;
const NODE_VERSION = "24";

/**
 * Secrets and variables the workflows read, named once (docs/operations.md: "Delivery").
 * The Pulumi backend is Pulumi Cloud (PULUMI_ACCESS_TOKEN) unless PULUMI_BACKEND_URL names
 * another (then PULUMI_CONFIG_PASSPHRASE decrypts the stack secrets).
 *
 * Write credentials and read-only ones have different names, so a job can only reference the
 * kind it is meant to have: a preview or drift job names only `*_READONLY` secrets, and the
 * write ones exist only in the `staging`/`production` environments, which deploy from `main`
 * alone (DeliveryEnvironments): a pull request that edits a workflow to name them gets nothing.
 */
export const CREDENTIALS = {
  write: {
    pulumiToken: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
    /** The GitHub provider's token (administration, contents, workflows, environments). */
    githubToken: "${{ secrets.SMARTEM_GITHUB_TOKEN }}",
    kubeconfig: {
      staging: "${{ secrets.KUBECONFIG_STAGING }}",
      production: "${{ secrets.KUBECONFIG_PRODUCTION }}",
    } satisfies Record<DeployedStack, string>,
  },
  readOnly: {
    /** Pulumi Cloud: a token of a team with the stack's "Stack Read" permission set (previews, no updates). */
    pulumiToken: "${{ secrets.PULUMI_ACCESS_TOKEN_READONLY }}",
    /** Read access to administration, environments, contents, metadata. */
    githubToken: "${{ secrets.SMARTEM_GITHUB_TOKEN_READONLY }}",
    kubeconfig: {
      staging: "${{ secrets.KUBECONFIG_STAGING_READONLY }}",
      production: "${{ secrets.KUBECONFIG_PRODUCTION_READONLY }}",
    } satisfies Record<DeployedStack, string>,
  },
  /** Decrypts the stack's secrets; every Pulumi run needs it, a preview included. */
  passphrase: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
  backendUrl: "${{ vars.PULUMI_BACKEND_URL }}",
  organization: "${{ vars.PULUMI_ORGANIZATION }}",
} as const;

/** Which credentials a job gets: only `pulumi up` writes. */
function credentials(run: PulumiRun): (typeof CREDENTIALS)["write" | "readOnly"] {
  return run.command === "up" ? CREDENTIALS.write : CREDENTIALS.readOnly;
}

const GENERATED_BY = {
  generator: "smartem-release-infra (tools/delivery/delivery-workflows.ts)",
  changeIn: "tools/delivery/delivery-workflows.ts and run `npm run golden`",
} as const;

function checkout(fetchDepth = 1): Step {
  return { name: "Check out", uses: action("checkout"), with: { "persist-credentials": false, "fetch-depth": fetchDepth } };
}

function setupNode(): Step[] {
  return [
    { name: "Set up Node", uses: action("setupNode"), with: { "node-version": NODE_VERSION, cache: "npm" } },
    { name: "Install from the lockfile", run: "npm ci --no-audit --no-fund" },
  ];
}

/** The stack's kubeconfig, from its secret into a file only this job sees. */
function kubeconfig(run: PulumiRun): Step {
  return {
    name: `Kubeconfig of ${run.stack}`,
    env: { KUBECONFIG_DATA: credentials(run).kubeconfig[run.stack] },
    run: [
      "umask 077",
      'printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"',
      'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
    ].join("\n"),
  };
}

interface PulumiRun {
  readonly command: "preview" | "up";
  readonly stack: DeployedStack;
  readonly drift?: boolean;
}

/**
 * Whether the stack manages a GitHub side (`smartem:manageGithub`, default true), read from its
 * stack file as the CLI passes it. A stack that does not gets no GitHub token at all.
 */
export function managesGithub(stack: DeployedStack): boolean {
  return readStackFile(stack).config[KEY.manageGithub] !== "false";
}

/** The stack name as the CLI takes it. */
function stackName(stack: DeployedStack): string {
  return `${CREDENTIALS.organization}/smartem/${stack}`;
}

/**
 * What a Pulumi run of the stack gets in its environment: the backend's credentials and, where
 * the stack manages a GitHub side, the GitHub provider's token (the kind the run is allowed).
 */
function pulumiEnv(run: PulumiRun): Record<string, string> {
  const kind = credentials(run);
  return {
    PULUMI_ACCESS_TOKEN: kind.pulumiToken,
    PULUMI_CONFIG_PASSPHRASE: CREDENTIALS.passphrase,
    ...(managesGithub(run.stack) ? { GITHUB_TOKEN: kind.githubToken } : {}),
  };
}

/**
 * One `pulumi/actions` run with the policy pack, against the configured backend. Previews write
 * their result into the job summary, which needs no token (a PR comment would need
 * `pull-requests: write` in a job that runs the pull request's code).
 */
function pulumi(run: PulumiRun): Step {
  return {
    ...(run.command === "up" ? { id: "up" } : {}),
    name: `pulumi ${run.command} of ${run.stack}`,
    uses: action("pulumi"),
    with: {
      command: run.command,
      "pulumi-version": PULUMI_CLI_VERSION,
      "stack-name": stackName(run.stack),
      "cloud-url": CREDENTIALS.backendUrl,
      policyPacks: "policy",
      diff: true,
      ...(run.command === "preview" ? { "comment-on-summary": true } : {}),
    },
    env: pulumiEnv(run),
  };
}

/**
 * The drift check's classification step. GitHub runs it as `bash --noprofile --norc -eo pipefail`:
 * pulumi's status is caught where it happens and handed, with its JSON plan, to drift-issue.ts,
 * which tells clean (0), drift (7 with a plan showing changes) and error (anything else, which
 * fails this step and leaves the tracker issue alone) apart. Only the findings (types, names,
 * property names; no values) leave the job.
 */
export const DRIFT_CHECK_SCRIPT = [
  'mkdir -p "$RUNNER_TEMP/drift"',
  "status=0",
  'pulumi preview --stack "$STACK" --refresh --expect-no-changes --json --policy-pack policy > "$RUNNER_TEMP/drift/preview.json" || status=$?',
  'result=$(node tools/delivery/drift-issue.ts classify "$status" "$RUNNER_TEMP/drift/preview.json" "$RUNNER_TEMP/drift/findings.json")',
  'echo "result=$result" >> "$GITHUB_OUTPUT"',
  "",
].join("\n");

/** The drift check of one stack: `pulumi/actions` only installs the CLI; the step runs it. */
function driftSteps(run: PulumiRun): Step[] {
  return [
    { name: "Install the Pulumi CLI", uses: action("pulumi"), with: { "pulumi-version": PULUMI_CLI_VERSION } },
    {
      id: "check",
      name: `pulumi preview --refresh --expect-no-changes of ${run.stack}`,
      env: { ...pulumiEnv(run), PULUMI_BACKEND_URL: CREDENTIALS.backendUrl, STACK: stackName(run.stack) },
      run: DRIFT_CHECK_SCRIPT,
    },
    {
      name: "Upload the findings",
      uses: action("uploadArtifact"),
      with: { name: `drift-${run.stack}`, path: "${{ runner.temp }}/drift/findings.json", "if-no-files-found": "error" },
    },
  ];
}

/**
 * The GitHub environment whose secrets a Pulumi job gets (declared by DeliveryEnvironments):
 * `pulumi up` runs in the stack's own environment (write credentials, `main` only, production
 * behind reviewers); previews in `preview-<stack>` (read-only credentials, behind reviewers: a
 * preview runs the pull request's code); drift checks in `drift-<stack>` (`main` only, read-only
 * credentials that may also read Secrets, which a refresh reads).
 */
export function credentialsEnvironment(run: PulumiRun): string {
  return deliveryEnvironmentName(run.command === "up" ? "up" : run.drift ? "drift" : "preview", run.stack);
}

function pulumiJob(name: string, run: PulumiRun, extra: Partial<Job> = {}): Job {
  return {
    name,
    runsOn: RUNNER,
    environment: { name: credentialsEnvironment(run) },
    permissions: { contents: "read" },
    timeoutMinutes: 30,
    ...extra,
    steps: [
      checkout(),
      ...setupNode(),
      kubeconfig(run),
      ...(run.drift ? driftSteps(run) : [pulumi(run)]),
      ...(run.command === "up" ? afterFailedRolloutSteps(run) : []),
    ],
  };
}

/**
 * After a failed `pulumi up`: what the program knows about the migration decides
 * (tools/delivery/rollout-decision.ts). GitHub runs it as `bash --noprofile --norc -eo pipefail`;
 * a failed read of the outputs or the checkpoint fails the step, and nothing is rolled back.
 */
export const ROLLOUT_DECIDE_SCRIPT = [
  'mkdir -p "$RUNNER_TEMP/rollout"',
  'pulumi stack output --json --stack "$STACK" > "$RUNNER_TEMP/rollout/outputs.json"',
  'pulumi stack export --stack "$STACK" > "$RUNNER_TEMP/rollout/export.json"',
  'node scripts/run.cjs tools/delivery/rollout-decision.ts "$STACK" "$RUNNER_TEMP/rollout/outputs.json" "$RUNNER_TEMP/rollout/export.json" "$RUNNER_TEMP/rollout/decision.json" >> "$GITHUB_OUTPUT"',
  "",
].join("\n");

/**
 * The failed version's migration Job and pods: logs and events, into a markdown report, with the
 * stack's kubeconfig. Every kubectl failure is written into the report, never stops it.
 */
export const COLLECT_FAILURE_SCRIPT = [
  'out="$RUNNER_TEMP/rollout/report.md"',
  ': > "$out"',
  'section() { title=$1; shift; printf \'\\n#### %s\\n\\n```text\\n\' "$title" >> "$out"; status=0; "$@" >> "$out" 2>&1 || status=$?; [ "$status" -eq 0 ] || echo "(exit status $status)" >> "$out"; echo \'```\' >> "$out"; }',
  'names() { kubectl -n "$NAMESPACE" get "$1" -l "$2" -o jsonpath=\'{.items[*].metadata.name}\' 2>> "$out" || true; }',
  'for job in $(names jobs "app.kubernetes.io/component=migration,app.kubernetes.io/version=$FAILED"); do',
  '  section "kubectl logs job/$job" kubectl -n "$NAMESPACE" logs "job/$job" --all-containers --tail=500',
  '  section "events of job/$job" kubectl -n "$NAMESPACE" get events --field-selector "involvedObject.name=$job"',
  "done",
  'for pod in $(names pods "app.kubernetes.io/version=$FAILED"); do',
  '  section "kubectl logs $pod" kubectl -n "$NAMESPACE" logs "$pod" --all-containers --tail=200',
  '  section "events of $pod" kubectl -n "$NAMESPACE" get events --field-selector "involvedObject.name=$pod"',
  "done",
  "",
].join("\n");

/** The one-off rollback: the pin set in the runner's stack file only, never committed. */
export const ROLLBACK_SCRIPT =
  'pulumi up --yes --stack "$STACK" --policy-pack policy --config "smartem:backendVersion=$PREVIOUS" --config smartem:allowDowngrade=true\n';

const AFTER_FAILED_UP = "failure() && steps.up.outcome == 'failure'";
const DECIDED = (action: string): string => `failure() && steps.decide.outputs.action == '${action}'`;
const ROLLOUT_FAILED = "failure() && (steps.decide.outputs.action == 'rollback' || steps.decide.outputs.action == 'incident')";

function afterFailedRolloutSteps(run: PulumiRun): Step[] {
  const env = { ...pulumiEnv(run), PULUMI_BACKEND_URL: CREDENTIALS.backendUrl, STACK: stackName(run.stack) };
  return [
    {
      id: "decide",
      name: `Decide after the failed rollout of ${run.stack}`,
      if: AFTER_FAILED_UP,
      env,
      run: ROLLOUT_DECIDE_SCRIPT,
    },
    {
      name: "Collect the migration Job's and the failing pods' logs and events",
      if: ROLLOUT_FAILED,
      env: { NAMESPACE: "${{ steps.decide.outputs.namespace }}", FAILED: "${{ steps.decide.outputs.failed }}" },
      run: COLLECT_FAILURE_SCRIPT,
    },
    {
      id: "rollback",
      name: `Roll ${run.stack} back to the version it ran before`,
      if: DECIDED("rollback"),
      env: { ...env, PREVIOUS: "${{ steps.decide.outputs.previous }}" },
      run: ROLLBACK_SCRIPT,
    },
    {
      name: "Record the rollback's outcome",
      if: ROLLOUT_FAILED,
      env: { OUTCOME: "${{ steps.rollback.outcome }}" },
      run: 'printf \'%s\' "$OUTCOME" > "$RUNNER_TEMP/rollout/rollback-outcome"\n',
    },
    {
      name: "Upload the rollout report",
      if: ROLLOUT_FAILED,
      uses: action("uploadArtifact"),
      with: {
        name: `rollout-${run.stack}`,
        path: ["decision.json", "report.md", "rollback-outcome"].map((f) => `\${{ runner.temp }}/rollout/${f}`).join("\n"),
        "if-no-files-found": "error",
      },
    },
  ];
}

const testJob: Job = {
  name: "npm test",
  runsOn: RUNNER,
  permissions: { contents: "read" },
  timeoutMinutes: 15,
  steps: [
    checkout(),
    ...setupNode(),
    // The release workflow's version script is tested against its TypeScript twin in Python.
    { name: "Set up Python", uses: action("setupPython"), with: { "python-version": "3.12" } },
    { name: "Python packaging", run: `python -m pip install packaging==${PYTHON_TOOLS.packaging}` },
    { name: "Test (type-check, unit, golden, validators)", run: "npm test" },
    // The release workflow's steps with the exact pinned Python tools from PyPI, and zizmor.
    { name: "Test the release steps with the real Python tools", run: "npm run test:python" },
  ],
};

/**
 * Renders every stack at the PR's base and head, offline and without secrets (so it works
 * for forks), and puts the unified diff of the rendered files in the job summary.
 */
const renderDiffJob: Job = {
  name: "render diff (offline)",
  runsOn: RUNNER,
  permissions: { contents: "read" },
  timeoutMinutes: 15,
  steps: [
    checkout(0),
    ...setupNode(),
    {
      name: "Render base and head",
      env: { BASE_SHA: "${{ github.event.pull_request.base.sha }}" },
      run: [
        "set -euo pipefail",
        'mkdir -p "$RUNNER_TEMP/render"',
        'render_all() { for file in Pulumi.*.yaml; do stack="${file#Pulumi.}"; stack="${stack%.yaml}"; [ "$stack" = yaml ] && continue; npm run --silent render -- --stack "$stack" --out "$1/$stack" >/dev/null || echo "render of $stack failed" >> "$1.failed"; done; }',
        'render_all "$RUNNER_TEMP/render/head"',
        'git worktree add --detach "$RUNNER_TEMP/base" "$BASE_SHA"',
        '(cd "$RUNNER_TEMP/base" && npm ci --no-audit --no-fund >/dev/null && render_all "$RUNNER_TEMP/render/base")',
      ].join("\n"),
    },
    {
      name: "Diff into the job summary",
      // Also after a failed render: the summary then names the stack that failed.
      if: "always()",
      // GitHub runs this as `bash --noprofile --norc -eo pipefail`: every expected non-zero
      // status is caught where it happens (diff exits 1 on a change; no *.failed file is normal).
      run: [
        'cd "$RUNNER_TEMP/render"',
        "status=0",
        "diff -ruN base head > render.diff || status=$?",
        "{",
        '  echo "## What this PR changes in the rendered desired state"',
        "  if compgen -G './*.failed' > /dev/null; then cat ./*.failed; fi",
        '  case "$status" in',
        '    0) echo "No change." ;;',
        "    1) echo '```diff'; head -c 900000 render.diff; echo '```' ;;",
        '    *) echo "diff failed with status $status" ;;',
        "  esac",
        '} >> "$GITHUB_STEP_SUMMARY"',
        "# The job fails when the PR's own render failed or diff itself broke, never on a change.",
        "if [ -e head.failed ]; then exit 1; fi",
        'if [ "$status" -gt 1 ]; then exit "$status"; fi',
        "",
      ].join("\n"),
    },
  ],
};

/**
 * Fork pull requests get no secrets: their previews are skipped (they still get the tests and
 * the render diff). Same-repository PRs get the `preview-<stack>` environment's read-only
 * secrets once a reviewer approves the run (not its author: preventSelfReview).
 */
const SAME_REPOSITORY_PR = "github.event.pull_request.head.repo.full_name == github.repository";

export function pullRequestWorkflow(): Workflow {
  const previews = Object.fromEntries(
    DEPLOYED_STACKS.map((stack) => [
      `preview-${stack}`,
      pulumiJob(
        `pulumi preview ${stack}`,
        { command: "preview", stack },
        {
          needs: ["test"],
          if: SAME_REPOSITORY_PR,
        },
      ),
    ]),
  );
  return {
    name: "pull request",
    on: { pullRequest: { branches: [DELIVERY_BRANCH] } },
    permissions: {},
    concurrency: { group: "pr-${{ github.event.pull_request.number }}", cancelInProgress: true },
    jobs: { test: testJob, "render-diff": renderDiffJob, ...previews },
  };
}

const ON_MAIN = `github.ref == 'refs/heads/${DELIVERY_BRANCH}'`;

export function deployWorkflow(): Workflow {
  return {
    name: "deploy",
    on: { push: { branches: [DELIVERY_BRANCH] }, workflowDispatch: {} },
    permissions: {},
    // Never cancel an apply half-way; queue the next one behind it. Only deploy runs join this
    // group: GitHub keeps one pending run per group and cancels the older pending one when
    // another queues, so a drift check in it could cancel a deploy waiting for approval.
    concurrency: { group: DEPLOY_CONCURRENCY, cancelInProgress: false },
    jobs: {
      test: testJob,
      // Only main is applied, also when the workflow is started by hand on another branch.
      "up-staging": pulumiJob(
        "pulumi up staging",
        { command: "up", stack: "staging" },
        {
          needs: ["test"],
          if: ON_MAIN,
          outputs: ROLLOUT_OUTPUTS,
        },
      ),
      "rollout-issue-staging": rolloutIssueJob("staging"),
      // The production environment's required reviewers approve each apply.
      "up-production": pulumiJob(
        "pulumi up production",
        { command: "up", stack: "production" },
        {
          needs: ["up-staging"],
          if: ON_MAIN,
          outputs: ROLLOUT_OUTPUTS,
        },
      ),
      "rollout-issue-production": rolloutIssueJob("production"),
    },
  };
}

const ROLLOUT_OUTPUTS = { rollout: "${{ steps.decide.outputs.action }}" } as const;

/**
 * The rollback report or incident issue of a stack's failed rollout: a job of its own, the only
 * one of deploy.yml with `issues: write`, without the stack's credentials, nothing installed.
 */
function rolloutIssueJob(stack: DeployedStack): Job {
  const up = `needs.up-${stack}.outputs.rollout`;
  return {
    name: `rollout issue of ${stack}`,
    runsOn: RUNNER,
    needs: [`up-${stack}`],
    if: `always() && (${up} == 'rollback' || ${up} == 'incident')`,
    permissions: { contents: "read", issues: "write" },
    timeoutMinutes: 10,
    steps: [
      checkout(),
      { name: "Set up Node", uses: action("setupNode"), with: { "node-version": NODE_VERSION } },
      {
        name: "Download the rollout report",
        uses: action("downloadArtifact"),
        with: { name: `rollout-${stack}`, path: "${{ runner.temp }}/rollout" },
      },
      {
        name: `Open or comment on the rollout issue of ${stack}`,
        env: {
          GITHUB_TOKEN: "${{ github.token }}",
          STACK: stack,
          DECISION: "${{ runner.temp }}/rollout/decision.json",
          REPORT: "${{ runner.temp }}/rollout/report.md",
          ROLLBACK_FILE: "${{ runner.temp }}/rollout/rollback-outcome",
          RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
        },
        run: 'ROLLBACK_OUTCOME=$(cat "$ROLLBACK_FILE") node tools/delivery/rollout-issue.ts upkeep\n',
      },
    ],
  };
}

/** The deploy workflow's concurrency group; no other workflow may join it (see deployWorkflow). */
export const DEPLOY_CONCURRENCY = "deploy";

/**
 * The tracker issue of one stack's drift: a job of its own, the only one with `issues: write`,
 * without the stack's credentials, running no code of the repository's dependencies. Runs
 * when the check concluded (clean or drift); an error fails the check and skips it.
 */
function driftIssueJob(stack: DeployedStack): Job {
  return {
    name: `drift issue of ${stack}`,
    runsOn: RUNNER,
    needs: [`drift-${stack}`],
    permissions: { contents: "read", issues: "write" },
    timeoutMinutes: 10,
    steps: [
      checkout(),
      // No cache: nothing is installed, and a job with a write token restores no cache.
      { name: "Set up Node", uses: action("setupNode"), with: { "node-version": NODE_VERSION } },
      {
        name: "Download the findings",
        uses: action("downloadArtifact"),
        with: { name: `drift-${stack}`, path: "${{ runner.temp }}/drift" },
      },
      {
        name: `Open, edit or close the drift issue of ${stack}`,
        env: {
          GITHUB_TOKEN: "${{ github.token }}",
          STACK: stack,
          RESULT: `\${{ needs.drift-${stack}.outputs.result }}`,
          FINDINGS: "${{ runner.temp }}/drift/findings.json",
          RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
        },
        run: "node tools/delivery/drift-issue.ts upkeep",
      },
    ],
  };
}

/**
 * Nightly drift check per stack. It joins no deploy's concurrency group: `pulumi preview`
 * (with `--refresh`, which refreshes in memory) never writes the state and takes no lock, on
 * Pulumi Cloud or a self-managed backend alike, so it cannot disturb an apply; and sharing the
 * group would let it cancel a deploy waiting for approval. Overlapping an apply, it may report
 * the apply's changes as drift; the next clean check closes the issue.
 */
export function driftWorkflow(): Workflow {
  const jobs = Object.fromEntries(
    DEPLOYED_STACKS.flatMap((stack) => [
      [
        `drift-${stack}`,
        pulumiJob(
          `drift ${stack}`,
          { command: "preview", stack, drift: true },
          { outputs: { result: "${{ steps.check.outputs.result }}" } },
        ),
      ],
      [`drift-issue-${stack}`, driftIssueJob(stack)],
    ]),
  );
  return {
    name: "drift",
    on: { schedule: [{ cron: "17 3 * * *" }], workflowDispatch: {} },
    permissions: {},
    concurrency: { group: "drift", cancelInProgress: false },
    jobs,
  };
}

/** The PyPI JSON API of the backend's package: its releases, newest included. */
export const BACKEND_RELEASES_URL = `https://pypi.org/pypi/${BACKEND_PACKAGE}/json`;

/**
 * The bump job's proposal and, when there is one, the verified bump, the render and the patch.
 * GitHub runs it as `bash --noprofile --norc -eo pipefail`: a failed read of the releases or of
 * the stack's outputs, a refused bump or a failed render fails the step (and no PR is touched).
 */
export const BUMP_PROPOSE_SCRIPT = [
  'dir="$RUNNER_TEMP/bump"',
  'mkdir -p "$dir"',
  'curl --fail --silent --show-error --retry 3 "$RELEASES_URL" > "$dir/releases.json"',
  'pulumi stack output --json --stack "$STACK" > "$dir/outputs.json"',
  "source=()",
  'if [ -n "${SOURCE_OUTPUTS+set}" ]; then printf \'%s\' "$SOURCE_OUTPUTS" > "$dir/source-outputs.json"; source=("$dir/source-outputs.json"); fi',
  'node scripts/run.cjs tools/delivery/bump-decision.ts "$STACK_SHORT" "$dir/releases.json" "$dir/outputs.json" "${source[@]}" > "$dir/proposal.json"',
  'node -e \'const p = require(process.argv[1]); console.log(p.action, p.version ?? "-", p.running || "-", p.why)\' "$dir/proposal.json" > "$dir/proposal.txt"',
  'read -r action version running why < "$dir/proposal.txt"',
  "# The stack's outputs (one line of JSON) for the next stack in promotion order.",
  'echo "outputs=$(node -e \'const t = require("fs").readFileSync(process.argv[1], "utf8").trim(); console.log(JSON.stringify(t ? JSON.parse(t) : {}))\' "$dir/outputs.json")" >> "$GITHUB_OUTPUT"',
  'echo "## Bump of $STACK_SHORT" >> "$GITHUB_STEP_SUMMARY"',
  'if [ "$action" != bump ]; then echo "No PR: $why." >> "$GITHUB_STEP_SUMMARY"; : > "$dir/bump.patch"; exit 0; fi',
  'npm run --silent bump -- --stack "$STACK_SHORT" --version "$version" | tee "$dir/bump.log"',
  "npm run --silent golden > /dev/null",
  "# The promotion guard as pulumi preview will apply it (evidence, digest, soak time), on the bumped file.",
  "guard=0",
  'if [ "${#source[@]}" -gt 0 ]; then node scripts/run.cjs tools/delivery/bump-decision.ts --promotion-guard "$STACK_SHORT" "$dir/outputs.json" "${source[@]}" > "$dir/guard.txt" || guard=$?; fi',
  `if [ "$guard" -eq ${GUARD_REFUSES} ]; then { echo "No PR: the promotion guard refuses $version now:"; cat "$dir/guard.txt"; } >> "$GITHUB_STEP_SUMMARY"; : > "$dir/bump.patch"; exit 0; fi`,
  'if [ "$guard" -ne 0 ]; then exit "$guard"; fi',
  'git diff --binary > "$dir/bump.patch"',
  'git diff -- "test/golden/$STACK_SHORT" > "$dir/render.diff"',
  'node tools/delivery/bump-pr.ts body "$dir/proposal.json" "$dir/bump.log" "$dir/render.diff" "$dir/body.md"',
  'echo "Proposing $version: $why." >> "$GITHUB_STEP_SUMMARY"',
  "",
].join("\n");

/**
 * One stack's proposal: read-only credentials (`drift-<stack>`: `main` only, read-only Pulumi
 * token) to read what the stack runs; no write token at all. Production's reads what staging
 * runs from staging's job, so it comes strictly after it.
 */
function bumpProposeJob(stack: DeployedStack, source?: DeployedStack): Job {
  const run: PulumiRun = { command: "preview", stack, drift: true };
  return {
    name: `propose a bump of ${stack}`,
    runsOn: RUNNER,
    ...(source ? { needs: [`propose-${source}`] } : {}),
    environment: { name: credentialsEnvironment(run) },
    permissions: { contents: "read" },
    timeoutMinutes: 20,
    outputs: { outputs: "${{ steps.propose.outputs.outputs }}" },
    steps: [
      checkout(),
      ...setupNode(),
      { name: "Install the Pulumi CLI", uses: action("pulumi"), with: { "pulumi-version": PULUMI_CLI_VERSION } },
      {
        id: "propose",
        name: `Propose the version of ${stack}, bump it verified and render`,
        env: {
          PULUMI_ACCESS_TOKEN: CREDENTIALS.readOnly.pulumiToken,
          PULUMI_CONFIG_PASSPHRASE: CREDENTIALS.passphrase,
          PULUMI_BACKEND_URL: CREDENTIALS.backendUrl,
          STACK: stackName(stack),
          STACK_SHORT: stack,
          RELEASES_URL: BACKEND_RELEASES_URL,
          ...(source ? { SOURCE_OUTPUTS: `\${{ needs.propose-${source}.outputs.outputs }}` } : {}),
        },
        run: BUMP_PROPOSE_SCRIPT,
      },
      {
        name: "Upload the proposal",
        uses: action("uploadArtifact"),
        with: {
          name: `bump-${stack}`,
          path: ["proposal.json", "bump.patch", "body.md"].map((f) => `\${{ runner.temp }}/bump/${f}`).join("\n"),
          "if-no-files-found": "error",
        },
      },
    ],
  };
}

/**
 * The stack's PR: the only job with `contents: write` (to push `bump/<stack>`) and
 * `pull-requests: write` (to open, edit or close the PR); no stack credentials, nothing
 * installed (plain `node` runs the script; the patch is applied with git, never executed).
 * A PR opened with this GITHUB_TOKEN starts no workflow (GitHub's rule against loops): its
 * checks start when a maintainer closes and reopens it (docs/operations.md, "Bump PRs").
 */
function bumpPrJob(stack: DeployedStack): Job {
  return {
    name: `bump PR of ${stack}`,
    runsOn: RUNNER,
    needs: [`propose-${stack}`],
    permissions: { contents: "write", pullRequests: "write" },
    timeoutMinutes: 10,
    steps: [
      checkout(),
      { name: "Set up Node", uses: action("setupNode"), with: { "node-version": NODE_VERSION } },
      {
        name: "Download the proposal",
        uses: action("downloadArtifact"),
        with: { name: `bump-${stack}`, path: "${{ runner.temp }}/bump" },
      },
      {
        name: `Open, update or close the PR on ${bumpBranch(stack)}`,
        env: {
          GITHUB_TOKEN: "${{ github.token }}",
          STACK: stack,
          BASE: DELIVERY_BRANCH,
          PROPOSAL: "${{ runner.temp }}/bump/proposal.json",
          PATCH: "${{ runner.temp }}/bump/bump.patch",
          BODY: "${{ runner.temp }}/bump/body.md",
        },
        run: "node tools/delivery/bump-pr.ts upkeep",
      },
    ],
  };
}

/**
 * A bump PR for every release, per stack in promotion order: started by a stable release
 * (the release workflow's bump-trigger job, components/release/bump-trigger.ts, with
 * workflow_dispatch), by a repository_dispatch, every six hours as a fallback, or by hand.
 * Only main's code runs.
 */
export function bumpWorkflow(): Workflow {
  return {
    name: "bump",
    on: {
      repositoryDispatch: { types: [RELEASE_DISPATCH_TYPE] },
      schedule: [{ cron: "41 */6 * * *" }],
      workflowDispatch: {},
    },
    permissions: {},
    concurrency: { group: "bump", cancelInProgress: false },
    jobs: {
      "propose-staging": bumpProposeJob("staging"),
      "pr-staging": bumpPrJob("staging"),
      "propose-production": bumpProposeJob("production", "staging"),
      "pr-production": bumpPrJob("production"),
    },
  };
}

/** `.github/workflows/<file>` -> content, for `npm run golden` and the tests. */
export function deliveryWorkflowFiles(): Map<string, string> {
  return new Map([
    [".github/workflows/pull-request.yml", renderWorkflow(pullRequestWorkflow(), GENERATED_BY)],
    [".github/workflows/deploy.yml", renderWorkflow(deployWorkflow(), GENERATED_BY)],
    [".github/workflows/drift.yml", renderWorkflow(driftWorkflow(), GENERATED_BY)],
    [`.github/workflows/${BUMP_WORKFLOW_FILE}`, renderWorkflow(bumpWorkflow(), GENERATED_BY)],
  ]);
}
