/**
 * The one evaluation engine: runs the Pulumi program for one stack under Pulumi's
 * mock runtime (offline, no CLI, no credentials) and returns what it would register.
 * The tests, the offline render, the benchmark and the policy checks all use it.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_MARKER } from "../../components/config/keys";
import { ProgramHost } from "../../components/program-host";
import { INVOKES, PROJECT, TYPES } from "../../components/shared/project";
import type { ReleasePlan } from "../../components/release/release-workflow";
import { PROJECT_ROOT } from "./stack-file";

export interface EvaluateOptions {
  /** Stack name, e.g. `dev`. */
  readonly stack: string;
  /** The whole stack config, fully qualified keys (`smartem:backendVersion`) -> text. */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose values are secrets (as `pulumi config set --secret` marks them). */
  readonly secretKeys?: readonly string[];
  /** Offline answers for stack references: fully qualified stack name -> its outputs. */
  readonly stackReferences?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Offline answers for data-source invokes, by token (`github:index/getRelease:getRelease`). */
  readonly invokes?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
  /**
   * What providers compute beyond the inputs, per resource (merged into its outputs): tests
   * model a real provider with it, e.g. the status the Kubernetes provider reads back after a
   * Deployment's rollout. Offline nothing is invented. @default none
   */
  readonly providerState?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** A program to run instead of index.ts (tests of one component). @default index.ts */
  readonly program?: Program;
  /** The project folder the program sees (its stack files). @default this project */
  readonly projectDir?: string;
  /** Told of every registration request the monitor receives (`<type>::<name>`), also when the evaluation then fails. */
  readonly onRegister?: (typeAndName: string) => void;
}

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as the provider would receive them; secrets are {@link SECRET_MARKER}. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly urn: string;
  /** URN of the parent resource, if any. */
  readonly parent?: string;
  /** False for component resources. */
  readonly custom: boolean;
  /** URNs this resource explicitly depends on (`dependsOn`). */
  readonly dependsOn: readonly string[];
  /** The explicit provider reference (`<provider urn>::<id>`), if any. */
  readonly provider?: string;
  /** `customTimeouts` as requested (durations like `600s`), if any. */
  readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
  /** `deleteBeforeReplace: true` was requested. */
  readonly deleteBeforeReplace?: true;
  /** `retainOnDelete: true` was requested: deleting it from the stack leaves it where it is. */
  readonly retainOnDelete?: true;
}

export interface Evaluation {
  readonly stack: string;
  /** The stack config evaluated (secret values are {@link SECRET_MARKER}). */
  readonly config: Readonly<Record<string, string>>;
  readonly resources: readonly RegisteredResource[];
  /** Stack outputs, fully resolved; secret outputs are {@link SECRET_MARKER}. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** What the program warned about (offline it warns where `pulumi preview` refuses, e.g. placeholders). */
  readonly warnings?: readonly string[];
  /** The release plan of every package, as the program built them. */
  readonly releasePlans: readonly ReleasePlan[];
}

/** The Pulumi organization offline (`pulumi.getOrganization()` throws under mocks without one). */
export const ORGANIZATION = "organization";

/**
 * The name an autonamed Kubernetes object gets offline. The provider adds a random suffix
 * and, for these immutable objects, a new one on every change; offline the suffix is a digest
 * of the (redacted) inputs, so a changed ConfigMap shows up as a new name in the pod templates
 * that use it, as it will on the cluster.
 */
export function offlineAutoname(resourceName: string, redactedInputs: unknown): string {
  return `${resourceName}-${createHash("sha256").update(JSON.stringify(redactedInputs)).digest("hex").slice(0, 8)}`;
}

/**
 * The engine's own invokes, which every real run answers: offline, the stack's checkpoint
 * holds no resource (as for a stack never deployed), so what has been migrated is known from
 * the stack's recorded outputs alone. Tests give a checkpoint through `invokes`.
 */
const ENGINE_BUILTINS: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>> = {
  [INVOKES.readStackResourceOutputs]: (inputs) => ({ name: inputs.stackName, outputs: {} }),
};

type Program = (host: ProgramHost) => Promise<Record<string, unknown>>;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Evaluates the program of `index.ts` for one stack. Evaluations are serialised because
 * Pulumi's runtime is process-global state.
 */
export function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const run = queue.then(() => evaluateNow(options));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Pulumi's SDK formats a stack trace for each of its internal promises (leak diagnostics)
 * and each resource (source positions); offline nothing reads them, and formatting them
 * is about a third of an evaluation. Our errors carry their meaning in their messages.
 */
async function evaluateNow(options: EvaluateOptions): Promise<Evaluation> {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const ambient = withoutAmbientProviderSettings();
  try {
    return await evaluateWithMocks(options);
  } finally {
    ambient.restore();
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Environment variables the provider SDKs copy into provider inputs (a kubeconfig path or
 * content, provider flags, a GitHub token or server). The offline evaluation is a function
 * of the stack file alone: the same for everyone, and nothing of a developer's shell in it.
 */
export const AMBIENT_PROVIDER_SETTINGS = /^(KUBECONFIG|PULUMI_K8S_.+|GITHUB_TOKEN|GITHUB_BASE_URL)$/;

function withoutAmbientProviderSettings(): { restore(): void } {
  const saved = Object.entries(process.env).filter(([key]) => AMBIENT_PROVIDER_SETTINGS.test(key));
  for (const [key] of saved) delete process.env[key];
  return {
    restore() {
      for (const [key, value] of saved) process.env[key] = value;
    },
  };
}

async function evaluateWithMocks(options: EvaluateOptions): Promise<Evaluation> {
  const resources: RegisteredResource[] = [];
  const requests = new Map<string, RecordedRequest>();

  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = `${args.name}-id`;
        const key = `${args.type}::${args.name}`;
        const request = requests.get(key);
        const urn = mockUrn(options.stack, request?.parent, args.type, args.name);
        resources.push({
          type: args.type,
          name: args.name,
          inputs: redactInputs(args.type, args.inputs),
          urn,
          ...(request?.parent ? { parent: request.parent } : {}),
          custom: args.custom ?? true,
          dependsOn: request?.dependsOn ?? [],
          ...(request?.provider ? { provider: request.provider } : {}),
          ...(request?.customTimeouts ? { customTimeouts: request.customTimeouts } : {}),
          ...(request?.deleteBeforeReplace ? { deleteBeforeReplace: true as const } : {}),
          ...(request?.retainOnDelete ? { retainOnDelete: true as const } : {}),
        });
        return {
          id,
          state: {
            ...args.inputs,
            ...computedState(args, options),
            ...options.providerState?.(args.type, args.name, args.inputs),
          },
        };
      },
      call(args) {
        const answer = options.invokes?.[args.token] ?? ENGINE_BUILTINS[args.token];
        if (!answer) throw new Error(`no offline answer for the data source ${args.token}`);
        return answer(args.inputs);
      },
    },
    PROJECT,
    options.stack,
    false,
    ORGANIZATION,
  );
  recordRequests(requests, options.onRegister);

  // Set mocks first, then load the program (pulumi/examples testing-unit-ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only after the mocks are set
  const program = options.program ?? (require("../../index") as Program);
  const warnings: string[] = [];
  let releasePlans: readonly ReleasePlan[] = [];
  const returned = await program({
    projectDir: options.projectDir ?? PROJECT_ROOT,
    warn: (message) => warnings.push(message),
    onReleasePlans: (plans) => (releasePlans = plans),
  });
  // Every registration has reached the mock monitor once the RPC queue drains.
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const outputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(returned ?? {})) outputs[name] = await resolve(value);
  const secrets = new Set(options.secretKeys ?? []);
  const config = Object.fromEntries(Object.entries(options.config).map(([k, v]) => [k, secrets.has(k) ? SECRET_MARKER : v]));
  return { stack: options.stack, config, resources, outputs, warnings, releasePlans };
}

interface RecordedRequest {
  parent: string;
  dependsOn: string[];
  provider?: string;
  customTimeouts?: { create?: string; update?: string; delete?: string };
  deleteBeforeReplace?: boolean;
  retainOnDelete?: boolean;
}

/** Mock-runtime inputs lack the request's parent, dependsOn, provider and timeouts: read them off the request. */
function recordRequests(requests: Map<string, RecordedRequest>, onRegister?: (typeAndName: string) => void): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const timeouts = req.getCustomtimeouts();
    const customTimeouts = timeouts
      ? Object.fromEntries(
          Object.entries({ create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }).filter(
            ([, v]) => v,
          ),
        )
      : undefined;
    onRegister?.(`${req.getType()}::${req.getName()}`);
    requests.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent(),
      dependsOn: req.getDependenciesList(),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      ...(customTimeouts && Object.keys(customTimeouts).length > 0 ? { customTimeouts } : {}),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      retainOnDelete: req.getRetainondelete() === true,
    });
    return register(req, callback);
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
}

/** The URN the mock monitor gives a resource (parent types chained with `$`). */
function mockUrn(stack: string, parent: string | undefined, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2]}$${type}` : type;
  return `urn:pulumi:${stack}::${PROJECT}::${qualified}::${name}`;
}

/** Outputs a provider computes that the program reads back. */
function computedState(args: pulumi.runtime.MockResourceArgs, options: EvaluateOptions): Record<string, unknown> {
  switch (args.type) {
    case TYPES.stackReference: {
      const name = String(args.inputs.name);
      const outputs = options.stackReferences?.[name];
      if (!outputs) throw new Error(`no offline answer for the stack reference ${name}`);
      return { outputs };
    }
    case TYPES.randomPassword:
    case TYPES.randomString:
      // Offline stand-in: its value is never shown, the provider marks it secret.
      return { result: `offline-${args.name}` };
    default: {
      // Autonamed Kubernetes objects (ConfigMap, Secret, migration Job): the provider
      // names them at apply time; offline they get the render's placeholder name.
      const metadata = args.inputs.metadata as Record<string, unknown> | undefined;
      if (args.type.startsWith("kubernetes:") && metadata && metadata.name === undefined) {
        return { metadata: { ...metadata, name: offlineAutoname(args.name, redactInputs(args.type, args.inputs)) } };
      }
      return {};
    }
  }
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

const SECRET_DATA_FIELDS = ["data", "stringData"] as const;

/**
 * A resource's inputs with every secret value replaced by {@link SECRET_MARKER}. The Kubernetes
 * SDK marks a Secret's whole `data`/`stringData` map secret; redacting it whole would hide
 * which keys the pods get and leave a string where Kubernetes wants a map, so its keys are
 * kept and every value (secret or not: it is a Secret's) is replaced.
 */
export function redactInputs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const redacted = redact(inputs) as Record<string, unknown>;
  if (type !== TYPES.secret) return redacted;
  for (const field of SECRET_DATA_FIELDS) {
    const value = unwrapSecret(inputs[field]);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      redacted[field] = Object.fromEntries(Object.keys(value).map((key) => [key, SECRET_MARKER]));
    }
  }
  return redacted;
}

function isSecretValue(value: unknown): value is { value?: unknown } {
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function unwrapSecret(value: unknown): unknown {
  return isSecretValue(value) ? value.value : value;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (isSecretValue(record)) return SECRET_MARKER;
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return value;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

async function resolve(value: unknown): Promise<unknown> {
  const output: pulumi.Output<unknown> = pulumi.output(value);
  if (await pulumi.isSecret(output)) return SECRET_MARKER;
  return new Promise((done) => output.apply((v) => done(v)));
}
