/**
 * This repository's own delivery workflows (smartem-release-infra, not the managed repos):
 * pull request -> tests, offline render diff of base vs head, `pulumi preview` per stack;
 * push to main -> `pulumi up` staging, then production behind its environment's approval;
 * nightly -> drift check (`preview --refresh --expect-no-changes`) per stack.
 * Built with the same typed model and pin table as the release workflows; `npm run golden`
 * writes them to .github/workflows/ and a test keeps the files equal to this source.
 */
import { dependencies } from "../../package.json";
import { Job, Step, Workflow, renderWorkflow } from "../../components/actions/model";
import { PYTHON_TOOLS, RUNNERS, action } from "../../components/actions/pins";
import { KEY } from "../../components/program-config";
import { readStackFile } from "../engine/stack-file";

/** The Pulumi CLI the workflows install: the release of the SDK the program is locked to. */
export const PULUMI_CLI_VERSION = dependencies["@pulumi/pulumi"];

/** Stacks that CI previews, applies and checks for drift (dev is a developer sandbox). */
export const DEPLOYED_STACKS = ["staging", "production"] as const;
export type DeployedStack = (typeof DEPLOYED_STACKS)[number];

const RUNNER = RUNNERS.linux;
const NODE_VERSION = "24";

/**
 * Secrets and variables the workflows read, named once (docs/operations.md: "Delivery").
 * The Pulumi backend is Pulumi Cloud (PULUMI_ACCESS_TOKEN) unless PULUMI_BACKEND_URL names
 * another (then PULUMI_CONFIG_PASSPHRASE decrypts the stack secrets).
 */
export const CREDENTIALS = {
  pulumiToken: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
  passphrase: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
  backendUrl: "${{ vars.PULUMI_BACKEND_URL }}",
  organization: "${{ vars.PULUMI_ORGANIZATION }}",
  /** The GitHub provider's token (administration, contents, workflows, environments). */
  githubToken: "${{ secrets.SMARTEM_GITHUB_TOKEN }}",
  kubeconfig: {
    staging: "${{ secrets.KUBECONFIG_STAGING }}",
    production: "${{ secrets.KUBECONFIG_PRODUCTION }}",
  } satisfies Record<DeployedStack, string>,
} as const;

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
function kubeconfig(stack: DeployedStack): Step {
  return {
    name: `Kubeconfig of ${stack}`,
    env: { KUBECONFIG_DATA: CREDENTIALS.kubeconfig[stack] },
    run: [
      'umask 077',
      'printf \'%s\' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"',
      'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
    ].join("\n"),
  };
}

interface PulumiRun {
  readonly command: "preview" | "up";
  readonly stack: DeployedStack;
  readonly commentOnPr?: boolean;
  readonly drift?: boolean;
}

/**
 * Whether the stack manages a GitHub side (`smartem:manageGithub`, default true), read from its
 * stack file as the CLI passes it. A stack that does not gets no GitHub token at all.
 */
export function managesGithub(stack: DeployedStack): boolean {
  return readStackFile(stack).config[KEY.manageGithub] !== "false";
}

/** The concurrency group every job that reads or changes a stack's live state joins: one at a time. */
export function stackConcurrency(stack: DeployedStack): string {
  return `pulumi-${stack}`;
}

/** One `pulumi/actions` run with the policy pack, against the configured backend. */
function pulumi(run: PulumiRun): Step {
  return {
    name: `pulumi ${run.command}${run.drift ? " (drift check)" : ""} of ${run.stack}`,
    uses: action("pulumi"),
    with: {
      command: run.command,
      "pulumi-version": PULUMI_CLI_VERSION,
      "stack-name": `${CREDENTIALS.organization}/smartem/${run.stack}`,
      "cloud-url": CREDENTIALS.backendUrl,
      policyPacks: "policy",
      diff: true,
      ...(run.commentOnPr ? { "comment-on-pr": true, "github-token": "${{ github.token }}" } : {}),
      ...(run.drift ? { refresh: true, "expect-no-changes": true } : {}),
    },
    env: {
      PULUMI_ACCESS_TOKEN: CREDENTIALS.pulumiToken,
      PULUMI_CONFIG_PASSPHRASE: CREDENTIALS.passphrase,
      ...(managesGithub(run.stack) ? { GITHUB_TOKEN: CREDENTIALS.githubToken } : {}),
    },
  };
}

/**
 * The GitHub environment whose secrets a Pulumi job gets. `pulumi up` runs in the stack's
 * own environment (write credentials, main only, production behind reviewers); previews run
 * in `preview-<stack>` (read-only credentials: a preview runs the pull request's code); drift
 * checks in `drift-<stack>` (main only, read access including Secrets, which a refresh reads).
 */
export function credentialsEnvironment(run: PulumiRun): string {
  if (run.command === "up") return run.stack;
  // Drift checks run on main only and refresh every object (Secrets included): their own
  // read credentials. Previews run pull-request code: read-only, nothing secret.
  return run.drift ? `drift-${run.stack}` : `preview-${run.stack}`;
}

function pulumiJob(name: string, run: PulumiRun, extra: Partial<Job> = {}): Job {
  return {
    name,
    runsOn: RUNNER,
    environment: { name: credentialsEnvironment(run) },
    permissions: run.commentOnPr ? { contents: "read", pullRequests: "write" } : { contents: "read" },
    timeoutMinutes: 30,
    // A drift check never refreshes in the middle of an apply of the same stack (and vice versa).
    ...(run.command === "up" || run.drift ? { concurrency: { group: stackConcurrency(run.stack), cancelInProgress: false } } : {}),
    ...extra,
    steps: [checkout(), ...setupNode(), kubeconfig(run.stack), pulumi(run)],
  };
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
        'if [ -e head.failed ]; then exit 1; fi',
        'if [ "$status" -gt 1 ]; then exit "$status"; fi',
        "",
      ].join("\n"),
    },
  ],
};

/**
 * Fork pull requests get no secrets: their previews are skipped (they still get the tests and
 * the render diff). Same-repository PRs get the `preview-<stack>` environment's secrets.
 */
const SAME_REPOSITORY_PR = "github.event.pull_request.head.repo.full_name == github.repository";

export function pullRequestWorkflow(): Workflow {
  const previews = Object.fromEntries(
    DEPLOYED_STACKS.map((stack) => [
      `preview-${stack}`,
      pulumiJob(`pulumi preview ${stack}`, { command: "preview", stack, commentOnPr: true }, {
        needs: ["test"],
        if: SAME_REPOSITORY_PR,
      }),
    ]),
  );
  return {
    name: "pull request",
    on: { pullRequest: { branches: ["main"] } },
    permissions: {},
    concurrency: { group: "pr-${{ github.event.pull_request.number }}", cancelInProgress: true },
    jobs: { test: testJob, "render-diff": renderDiffJob, ...previews },
  };
}

const ON_MAIN = "github.ref == 'refs/heads/main'";

export function deployWorkflow(): Workflow {
  return {
    name: "deploy",
    on: { push: { branches: ["main"] }, workflowDispatch: {} },
    permissions: {},
    // Never cancel an apply half-way; queue the next one behind it.
    concurrency: { group: "deploy", cancelInProgress: false },
    jobs: {
      test: testJob,
      // Only main is applied, also when the workflow is started by hand on another branch.
      "up-staging": pulumiJob("pulumi up staging", { command: "up", stack: "staging" }, {
        needs: ["test"],
        if: ON_MAIN,
      }),
      // The production environment's required reviewers approve each apply.
      "up-production": pulumiJob("pulumi up production", { command: "up", stack: "production" }, {
        needs: ["up-staging"],
        if: ON_MAIN,
      }),
    },
  };
}

export function driftWorkflow(): Workflow {
  const checks = Object.fromEntries(
    DEPLOYED_STACKS.map((stack) => [`drift-${stack}`, pulumiJob(`drift ${stack}`, { command: "preview", stack, drift: true })]),
  );
  return {
    name: "drift",
    on: { schedule: [{ cron: "17 3 * * *" }], workflowDispatch: {} },
    permissions: {},
    concurrency: { group: "drift", cancelInProgress: false },
    jobs: checks,
  };
}

/** `.github/workflows/<file>` -> content, for `npm run golden` and the tests. */
export function deliveryWorkflowFiles(): Map<string, string> {
  return new Map([
    [".github/workflows/pull-request.yml", renderWorkflow(pullRequestWorkflow(), GENERATED_BY)],
    [".github/workflows/deploy.yml", renderWorkflow(deployWorkflow(), GENERATED_BY)],
    [".github/workflows/drift.yml", renderWorkflow(driftWorkflow(), GENERATED_BY)],
  ]);
}
