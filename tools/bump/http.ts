/**
 * The network side of `npm run bump`: a GET whose failure to reach the server says which URL
 * and why (Node's fetch only says "fetch failed"; the reason, e.g. `getaddrinfo ENOTFOUND
 * ghcr.io` offline, is in its cause).
 */

/** An error's message with its cause's, when the cause says more (as fetch's and TUF's do). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? errorMessage(error.cause) : undefined;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}

/** `fetch(url, init)`; a server that cannot be reached throws `make("GET <url>: <why>")`. */
export async function httpGet(url: string | URL, init: RequestInit, make: (message: string) => Error): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const failure = make(`GET ${url}: ${errorMessage(error)}`);
    failure.cause = error;
    throw failure;
  }
}
