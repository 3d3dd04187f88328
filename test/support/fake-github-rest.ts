/**
 * A stand-in for GitHub's REST API, passed to the delivery scripts' `upkeep` as their `fetch`
 * (tools/delivery/github-rest.ts {@link Fetch}): it answers from a table of routes and records
 * every call. A call no route matches answers 404, as GitHub does for a path it does not know,
 * so a script that calls what the test did not expect fails.
 */
import { Fetch } from "../../tools/delivery/github-rest";

/** One call, as a route sees it. */
export interface RestCall {
  readonly method: string;
  /** The URL's path, e.g. `/repos/o/r/issues/1/comments`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The values of the route's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  /** The JSON body, parsed; `{}` when the call sent none. */
  readonly body: Record<string, any>;
}

/**
 * Routes by `"<METHOD> <path>"`, where a `:name` segment matches any one segment
 * (`"PATCH /repos/o/r/issues/:number"`); the route's return value is the JSON answer (`{}` when it
 * returns nothing), with status 200.
 */
export type RestRoutes = Readonly<Record<string, (call: RestCall) => unknown>>;

export interface FakeGithubRest {
  readonly fetch: Fetch;
  /** `<METHOD> <path>` of every call so far, in order (the query left out). */
  readonly calls: readonly string[];
}

export function fakeGithubRest(routes: RestRoutes): FakeGithubRest {
  const table = Object.entries(routes).map(([route, answer]) => {
    const [method, pattern] = route.split(" ") as [string, string];
    return { method, segments: pattern.split("/"), answer };
  });
  const calls: string[] = [];
  const fetch: Fetch = async (url, init = {}) => {
    const { pathname, searchParams } = new URL(url);
    const method = init.method ?? "GET";
    calls.push(`${method} ${pathname}`);
    const segments = pathname.split("/");
    for (const route of table) {
      const params = route.method === method ? match(route.segments, segments) : undefined;
      if (!params) continue;
      const body = init.body ? (JSON.parse(init.body) as Record<string, any>) : {};
      const answer = route.answer({ method, path: pathname, query: searchParams, params, body }) ?? {};
      return { ok: true, status: 200, json: async () => answer, text: async () => JSON.stringify(answer) };
    }
    const message = JSON.stringify({ message: "Not Found", route: `${method} ${pathname}` });
    return { ok: false, status: 404, json: async () => JSON.parse(message), text: async () => message };
  };
  return { fetch, calls };
}

/** The `:name` values when the path matches the pattern, segment by segment. */
function match(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(actual[i]!);
    else if (segment !== actual[i]) return undefined;
  }
  return params;
}
