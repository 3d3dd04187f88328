/**
 * Runs the program as under the real engine (`pulumi preview`/`up`: a LiveRun with this
 * machine's environment, kubeconfig file and live GitHub answers) on the mock runtime.
 * Invoke answers are shaped as the real provider returns them.
 */
import { Evaluation, EvaluateOptions, evaluate } from "../../tools/engine/evaluate";
import { offlineOptions } from "../../tools/engine/offline";
import { PLACEHOLDER_GITHUB_ID, PLACEHOLDER_HOST_SUFFIX } from "../../components/placeholders";
import { runProgram } from "../../components/program";
import { KEY } from "../../components/program-config";
import { INVOKES } from "../../components/shared/project";
import { rejection } from "./refusals";

export const TOKEN = "ghp_live_token_must_never_show";
export const KUBECONFIG_PATH = "/runner/temp/kubeconfig";
export const KUBECONFIG_CONTENTS = [
  "apiVersion: v1",
  "kind: Config",
  "clusters: [{name: ci, cluster: {server: 'https://k8s.example:6443'}}]",
  "users: [{name: deployer, user: {token: kube-token-must-never-show}}]",
  "contexts: [{name: ci, context: {cluster: ci, user: deployer}}]",
  "current-context: ci",
].join("\n");

export const INVOKE = {
  environments: INVOKES.repositoryEnvironments,
  policies: INVOKES.deploymentPolicies,
} as const;

/** `getRepositoryEnvironments` as the provider answers it: every environment's name and node id. */
export function environmentsAnswer(repository: string, names: readonly string[]): Record<string, unknown> {
  return { id: repository, repository, environments: names.map((name, i) => ({ name, nodeId: `EN_kw${i}` })) };
}

/** `getRepositoryEnvironmentDeploymentPolicies`: each policy's type and pattern (GitHub's `name`). */
export function policiesAnswer(
  repository: string,
  environment: string,
  policies: ReadonlyArray<{ type: string; pattern: string }>,
): Record<string, unknown> {
  return { id: `${repository}:${environment}`, repository, environment, policies: policies.map((p) => ({ ...p })) };
}

export interface LiveRunOptions {
  /** Config keys to change (`undefined` removes one); keys may omit `smartem:`. */
  readonly overrides?: Readonly<Record<string, string | undefined>>;
  /** The environment of the run. @default a token and KUBECONFIG naming {@link KUBECONFIG_PATH} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Files on the machine. @default the kubeconfig at {@link KUBECONFIG_PATH} */
  readonly files?: Readonly<Record<string, string>>;
  /** Live GitHub answers. @default no environment exists yet */
  readonly invokes?: EvaluateOptions["invokes"];
  /** Stack references' last outputs, by fully qualified name. @default the offline answers */
  readonly stackReferences?: EvaluateOptions["stackReferences"];
  /** What the providers read back (a Deployment's status after its rollout). @default nothing */
  readonly providerState?: EvaluateOptions["providerState"];
  /** The machine's clock. @default the system clock */
  readonly now?: Date;
}

export const DEFAULT_ENV = { GITHUB_TOKEN: TOKEN, KUBECONFIG: KUBECONFIG_PATH } as const;

/**
 * The checked-in stacks with their placeholders filled in, as they must be before a real run
 * (the program refuses them under the engine: components/placeholders.ts).
 */
function filledIn(config: Readonly<Record<string, string>>): Record<string, string> {
  const real: Record<string, string> = { ...config };
  for (const key of [KEY.pypiReviewers, KEY.deliveryReviewers]) {
    if (real[key]?.includes(String(PLACEHOLDER_GITHUB_ID))) real[key] = '{"teams":[4242]}';
  }
  for (const key of [KEY.databaseHost, KEY.rabbitmqHost]) {
    if (real[key]?.endsWith(PLACEHOLDER_HOST_SUFFIX)) real[key] = real[key]!.replace(/\.invalid$/, ".example.org");
  }
  return real;
}

export function evaluateLive(stack: string, options: LiveRunOptions = {}): Promise<Evaluation> {
  const base = offlineOptions(stack);
  const config: Record<string, string> = filledIn(base.config);
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    const full = key.includes(":") ? key : `smartem:${key}`;
    if (value === undefined) delete config[full];
    else config[full] = value;
  }
  const files = options.files ?? { [KUBECONFIG_PATH]: KUBECONFIG_CONTENTS };
  const readFile = (file: string): string => {
    const contents = files[file];
    if (contents === undefined)
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: "ENOENT" });
    return contents;
  };
  const live = {
    env: options.env ?? DEFAULT_ENV,
    readFile,
    home: "/home/someone",
    ...(options.now ? { now: () => options.now! } : {}),
  };
  return evaluate({
    ...base,
    config,
    stackReferences: { ...base.stackReferences, ...options.stackReferences },
    ...(options.providerState ? { providerState: options.providerState } : {}),
    invokes: options.invokes ?? {
      [INVOKE.environments]: (inputs) => environmentsAnswer(String(inputs.repository), []),
    },
    program: (host) => runProgram(stack, config, new Set(base.secretKeys ?? []), live, host),
  });
}

/** The message of a refused live run. */
export async function liveRejection(stack: string, options: LiveRunOptions = {}): Promise<Error> {
  return rejection(evaluateLive(stack, options));
}

/**
 * A data source failing as the engine reports it over gRPC: code UNKNOWN and `details`
 * "invocation of <token> returned an error: <provider message>" (the SDK rejects with the details).
 */
export function invokeFailure(token: string, providerMessage: string): Error {
  const details = `invocation of ${token} returned an error: ${providerMessage}`;
  return Object.assign(new Error(`2 UNKNOWN: ${details}`), { code: 2, details });
}
