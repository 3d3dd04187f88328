/**
 * A typed model of a GitHub Actions workflow, and its rendering to YAML.
 *
 * Pure TypeScript: builders produce a {@link Workflow}; {@link renderWorkflow} turns it
 * into the committed file. Property names are camelCase here and become YAML keys in
 * exactly one place ({@link YAML_KEY}); action inputs (`with`) and `env` names are
 * written as given. Every job must declare `permissions` and `timeoutMinutes`: the
 * types refuse a job without them, so no job inherits the token's defaults.
 */
import * as YAML from "yaml";
import { ActionRef, usesText } from "./pins";

/** A GitHub token permission level. */
export type PermissionLevel = "read" | "write" | "none";

export type PermissionScope =
  | "actions"
  | "attestations"
  | "checks"
  | "contents"
  | "deployments"
  | "discussions"
  | "idToken"
  | "issues"
  | "packages"
  | "pages"
  | "pullRequests"
  | "securityEvents"
  | "statuses";

/** `{}` means no permission at all (the token can do nothing). */
export type Permissions = Readonly<Partial<Record<PermissionScope, PermissionLevel>>>;

export interface Concurrency {
  readonly group: string;
  /** A boolean or an expression such as `${{ github.event_name == 'pull_request' }}`. */
  readonly cancelInProgress: boolean | string;
}

export interface PushTrigger {
  readonly branches?: readonly string[];
  readonly tags?: readonly string[];
  /** Not evaluated for tag pushes (GitHub ignores path filters there). */
  readonly paths?: readonly string[];
}

export interface PullRequestTrigger {
  readonly branches?: readonly string[];
  readonly paths?: readonly string[];
}

export interface ScheduleTrigger {
  /** POSIX cron in UTC, e.g. `17 3 * * *`. */
  readonly cron: string;
}

export interface RepositoryDispatchTrigger {
  /** The event types (`event_type` of the dispatch) that start the workflow. */
  readonly types: readonly string[];
}

export interface Triggers {
  readonly push?: PushTrigger;
  readonly pullRequest?: PullRequestTrigger;
  readonly schedule?: readonly ScheduleTrigger[];
  readonly workflowDispatch?: Record<string, never>;
  readonly repositoryDispatch?: RepositoryDispatchTrigger;
}

export type Env = Readonly<Record<string, string>>;

interface StepBase {
  /** Referenced as `steps.<id>.outputs.*`. */
  readonly id?: string;
  readonly name: string;
  readonly if?: string;
  readonly env?: Env;
  readonly timeoutMinutes?: number;
  /** The job goes on when this step fails (a known, reported but not blocking check). */
  readonly continueOnError?: boolean;
}

export interface RunStep extends StepBase {
  /** Shell script. Never interpolate `${{ }}` here: pass values in through `env`. */
  readonly run: string;
  readonly shell?: "bash" | "pwsh" | "python";
  readonly workingDirectory?: string;
}

export interface UsesStep extends StepBase {
  /** Only obtainable from the pin table (components/actions/pins.ts). */
  readonly uses: ActionRef;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
}

export type Step = RunStep | UsesStep;

export interface Environment {
  readonly name: string;
  readonly url?: string;
}

export interface Strategy {
  readonly matrix: Readonly<Record<string, readonly (string | number)[]>>;
  readonly failFast?: boolean;
}

export interface Job {
  readonly name: string;
  /** Runner label or an expression (`${{ matrix.os }}`). */
  readonly runsOn: string;
  /** Required: each job states the least its token needs. */
  readonly permissions: Permissions;
  /** Required: a hung job must not hold a runner (or the concurrency group) for 6 hours. */
  readonly timeoutMinutes: number;
  readonly needs?: readonly string[];
  readonly if?: string;
  readonly environment?: Environment;
  readonly concurrency?: Concurrency;
  readonly strategy?: Strategy;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly defaults?: { readonly run: { readonly shell?: string; readonly workingDirectory?: string } };
  readonly steps: readonly Step[];
}

export interface Workflow {
  readonly name: string;
  readonly on: Triggers;
  /** Top-level token permissions; release workflows use `{}` so jobs opt in. */
  readonly permissions: Permissions;
  readonly concurrency?: Concurrency;
  readonly env?: Env;
  readonly defaults?: { readonly run: { readonly shell?: string; readonly workingDirectory?: string } };
  /** Job id -> job, in the order they are written. */
  readonly jobs: Readonly<Record<string, Job>>;
}

/** The one mapping of model property names to workflow YAML keys; unlisted names are kept. */
export const YAML_KEY = {
  runsOn: "runs-on",
  timeoutMinutes: "timeout-minutes",
  continueOnError: "continue-on-error",
  cancelInProgress: "cancel-in-progress",
  workingDirectory: "working-directory",
  failFast: "fail-fast",
  pullRequest: "pull_request",
  workflowDispatch: "workflow_dispatch",
  repositoryDispatch: "repository_dispatch",
  idToken: "id-token",
  pullRequests: "pull-requests",
  securityEvents: "security-events",
} as const;

function yamlKey(name: string): string {
  return (YAML_KEY as Record<string, string>)[name] ?? name;
}

/**
 * Renames the model's own keys; the children of {@link LITERAL_CHILDREN} have data
 * keys (env variable names, action inputs, output names, job ids, matrix axes) that are
 * written unchanged.
 */
function toYamlKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toYamlKeys);
  if (value === null || typeof value !== "object") return value;
  if ((value as { kind?: unknown }).kind === "pinned-action") return usesText(value as ActionRef);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[yamlKey(k)] = LITERAL_CHILDREN.has(k) ? toLiteral(v) : toYamlKeys(v);
  }
  return out;
}

/** Properties whose children's keys are data, not model names. */
const LITERAL_CHILDREN = new Set(["env", "with", "outputs", "jobs", "matrix"]);

function toLiteral(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return toYamlKeys(value);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, toYamlKeys(v)]),
  );
}

/** Where the generated file comes from, for its header. */
export interface GeneratedBy {
  /** e.g. `smartem-release-infra`. */
  readonly generator: string;
  /** Where to change the file instead, in words. */
  readonly changeIn: string;
}

/** The order a job's keys are written in (readers look for `needs` and `if` first). */
const JOB_KEY_ORDER: readonly (keyof Job)[] = [
  "name",
  "runsOn",
  "needs",
  "if",
  "environment",
  "permissions",
  "timeoutMinutes",
  "concurrency",
  "strategy",
  "outputs",
  "env",
  "defaults",
  "steps",
];

function orderJob(job: Job): Job {
  return Object.fromEntries(JOB_KEY_ORDER.filter((k) => job[k] !== undefined).map((k) => [k, job[k]])) as unknown as Job;
}

/** The plain object that is written as YAML (keys as GitHub spells them). */
export function workflowDocument(workflow: Workflow): Record<string, unknown> {
  const jobs = Object.fromEntries(Object.entries(workflow.jobs).map(([id, job]) => [id, orderJob(job)]));
  return toYamlKeys({ ...workflow, jobs }) as Record<string, unknown>;
}

/**
 * Renders a workflow with the `yaml` library (never string concatenation): a header
 * saying it is generated, then the document. Pinned actions get their release tag as
 * a trailing comment, `uses: owner/repo@<sha> # vX.Y.Z`.
 */
export function renderWorkflow(workflow: Workflow, by: GeneratedBy): string {
  const doc = new YAML.Document(workflowDocument(workflow));
  doc.commentBefore = [
    ` Generated by ${by.generator}. DO NOT EDIT: changes made here are overwritten.`,
    ` To change this workflow, change ${by.changeIn},`,
    " preview the diff (pulumi preview) and apply it (pulumi up).",
  ].join("\n");
  const tags = new Map(collectPins(workflow).map((p) => [usesText(p), p.tag]));
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && pair.key.value === "uses" && YAML.isScalar(pair.value)) {
        const tag = tags.get(String(pair.value.value));
        if (tag) pair.value.comment = ` ${tag}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

/** Every pinned action the workflow uses. */
export function collectPins(workflow: Workflow): ActionRef[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => ("uses" in step ? [step.uses] : [])));
}
