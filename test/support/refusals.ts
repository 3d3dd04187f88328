/**
 * How tests read a refusal: the problems of a ConfigError, the error a call throws or a
 * promise rejects with. Each fails the test when nothing is refused.
 */
import { expect } from "chai";
import { ConfigError, ConfigProblem, formatProblem } from "../../components/config/keys";

/** The error `run` throws; fails the test when it returns. */
export function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return expect.fail("expected an error, and nothing was thrown");
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected a rejection, and it resolved"),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

/** The problems of the ConfigError `run` throws; [] when it returns (any other error is rethrown). */
export function configProblems(run: () => unknown): ConfigProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

/** {@link configProblems} as printed: `key = value: message`. */
export function printedProblems(run: () => unknown): string[] {
  return configProblems(run).map(formatProblem);
}
