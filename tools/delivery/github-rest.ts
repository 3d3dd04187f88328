/**
 * What the delivery scripts (drift-issue.ts, rollout-issue.ts, bump-pr.ts) share: their
 * environment, GitHub's REST API with the job's token, and how a script reports. Like them it
 * imports only `node:` modules (it runs by type stripping beside a write token, with no `npm ci`),
 * and they import it with its `.ts` name, which Node needs (tsconfig: rewriteRelativeImportExtensions).
 */

/** The slice of `fetch` the scripts use; tests pass their own. */
export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

/** A variable the step must set: its value, or an error naming it. */
export function requiredEnv(env: NodeJS.ProcessEnv): (name: string) => string {
  return (name) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
}

export interface GithubRest {
  /** One call on `/repos/<GITHUB_REPOSITORY><path>`; a non-2xx answer throws with its status and body. */
  call(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Every open issue (not pull request) with `label`, all pages. */
  openIssues<T>(label: string): Promise<T[]>;
}

/** The repository's REST API (GITHUB_API_URL, GITHUB_REPOSITORY) with GITHUB_TOKEN. */
export function githubRest(env: NodeJS.ProcessEnv, fetchImpl: Fetch): GithubRest {
  const need = requiredEnv(env);
  const api = `${(env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, "")}/repos/${need("GITHUB_REPOSITORY")}`;
  const headers = {
    authorization: `Bearer ${need("GITHUB_TOKEN")}`,
    accept: "application/vnd.github+json",
    "content-type": "application/json",
  };
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetchImpl(`${api}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  const openIssues = async <T>(label: string): Promise<T[]> => {
    const open: T[] = [];
    for (let page = 1; ; page++) {
      const batch = (await call("GET", `/issues?state=open&labels=${label}&per_page=100&page=${page}`)) as Array<
        T & { pull_request?: unknown }
      >;
      open.push(...batch.filter((issue) => issue.pull_request === undefined));
      if (batch.length < 100) break;
    }
    return open;
  };
  return { call, openIssues };
}

/** What `upkeep` did, as the step prints it: `open`, `edit #12`, `none: why`. */
export function actionLine(action: { readonly action: string; readonly number?: number; readonly why?: string }): string {
  return `${action.action}${action.number !== undefined ? ` #${action.number}` : ""}${action.why !== undefined ? `: ${action.why}` : ""}\n`;
}
