/**
 * The time a `pulumi preview`/`up` takes as "now", which the promotion guard measures the soak
 * time against: this machine's clock. Only a test may move it, with SMARTEM_TEST_NOW, and only
 * against a cluster on this machine's loopback interface (the e2e control plane): a run against
 * any other cluster that finds the variable set is refused, so no real staging or production
 * deploy ever runs on a clock someone set by hand.
 */
import * as YAML from "yaml";
import { ConfigProblem } from "../config/keys";

/** The test-only clock override: an RFC 3339 time with its offset, e.g. 2026-12-03T10:00:00Z. */
export const TEST_CLOCK_ENV = "SMARTEM_TEST_NOW";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export type RunClock = { readonly now: Date; readonly overridden: boolean } | { readonly problems: readonly ConfigProblem[] };

/**
 * Now, for a run whose Kubernetes cluster is the one `kubeconfig` (contents) names under
 * `context` (default: its current context).
 */
export function runClock(
  env: Readonly<Record<string, string | undefined>>,
  kubeconfig: string,
  context: string | undefined,
  systemNow: () => Date,
): RunClock {
  const text = env[TEST_CLOCK_ENV];
  if (text === undefined || text === "") return { now: systemNow(), overridden: false };
  const problem = (message: string): RunClock => ({ problems: [{ key: TEST_CLOCK_ENV, value: JSON.stringify(text), message }] });
  const server = clusterServer(kubeconfig, context);
  if (server === undefined || !isLoopback(server)) {
    return problem(
      `moves the clock of this run, which only a test against a cluster on this machine's loopback interface may do, and this run deploys to ${server ?? "a cluster whose server the kubeconfig does not name"}; unset ${TEST_CLOCK_ENV}`,
    );
  }
  if (!RFC3339.test(text) || Number.isNaN(Date.parse(text))) {
    return problem("not a time; allowed: an RFC 3339 time with its offset, e.g. 2026-12-03T10:00:00Z");
  }
  return { now: new Date(text), overridden: true };
}

/** The API server URL of a kubeconfig's context, or undefined when the kubeconfig does not say. */
export function clusterServer(kubeconfig: string, context: string | undefined): string | undefined {
  let doc: unknown;
  try {
    doc = YAML.parse(kubeconfig);
  } catch {
    return undefined;
  }
  const config = (doc ?? {}) as {
    "current-context"?: unknown;
    contexts?: Array<{ name?: unknown; context?: { cluster?: unknown } }>;
    clusters?: Array<{ name?: unknown; cluster?: { server?: unknown } }>;
  };
  const name = context ?? config["current-context"];
  const cluster = Array.isArray(config.contexts) ? config.contexts.find((c) => c?.name === name)?.context?.cluster : undefined;
  const server = Array.isArray(config.clusters) ? config.clusters.find((c) => c?.name === cluster)?.cluster?.server : undefined;
  return typeof server === "string" ? server : undefined;
}

/** Whether a server URL's host is this machine's loopback interface (localhost, 127.0.0.0/8, ::1). */
export function isLoopback(server: string): boolean {
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
