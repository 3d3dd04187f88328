/**
 * Offline evaluation of a stack from its `Pulumi.<stack>.yaml`: what `npm run render`,
 * the golden tests and the benchmark evaluate. Facts that only a live backend knows
 * are answered here from files, and what cannot be known is said so.
 */
import { Evaluation, EvaluateOptions, evaluate } from "./evaluate";
import { readStackFile } from "./stack-file";

export function offlineOptions(stack: string): EvaluateOptions {
  const file = readStackFile(stack);
  return { stack, config: file.config, secretKeys: file.secretKeys };
}

export function evaluateOffline(stack: string): Promise<Evaluation> {
  return evaluate(offlineOptions(stack));
}
