/** Test helpers around the one evaluation engine. */
import { PROJECT } from "../../components/shared/project";
import { EvaluateOptions, Evaluation, ORGANIZATION, RegisteredResource, evaluate } from "../../tools/engine/evaluate";
import { offlineOptions } from "../../tools/engine/offline";
import { checkpointInvokes, migrationJobState } from "./checkpoint";
import { rejection } from "./refusals";

/**
 * Evaluates a checked-in stack with some config keys changed (`undefined` removes a key).
 * Keys may be given without the `smartem:` namespace.
 */
export function evaluateStack(
  stack: string,
  overrides: Readonly<Record<string, string | undefined>> = {},
  extra: {
    stackReferences?: Record<string, Record<string, unknown>>;
    invokes?: EvaluateOptions["invokes"];
    onRegister?: (typeAndName: string) => void;
  } = {},
): Promise<Evaluation> {
  const base = offlineOptions(stack);
  const config: Record<string, string> = { ...base.config };
  for (const [key, value] of Object.entries(overrides)) {
    const full = key.includes(":") ? key : `smartem:${key}`;
    if (value === undefined) delete config[full];
    else config[full] = value;
  }
  const stackReferences = { ...base.stackReferences, ...extra.stackReferences };
  return evaluate({
    ...base,
    config,
    ...extra,
    stackReferences,
    invokes: { ...afterSuccessfulUpdate(stack, stackReferences), ...extra.invokes },
  });
}

/**
 * Unless a test gives the checkpoint, a stack whose outputs name a backendVersion has the
 * checkpoint a successful update leaves: that version's migration Job, completed; a stack
 * without outputs answers no resources, as the engine does for a stack never deployed.
 */
function afterSuccessfulUpdate(stack: string, references: Record<string, Record<string, unknown>>): EvaluateOptions["invokes"] {
  const deployed = references[`${ORGANIZATION}/${PROJECT}/${stack}`]?.backendVersion;
  return checkpointInvokes(stack, typeof deployed === "string" ? [migrationJobState(deployed, "complete")] : []);
}

export function resourcesOfType(evaluation: Evaluation, type: string): RegisteredResource[] {
  return evaluation.resources.filter((r) => r.type === type);
}

/** The one resource of a type and name; fails loudly when it is missing. */
export function resource(evaluation: Evaluation, type: string, name: string): RegisteredResource {
  const found = evaluation.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = resourcesOfType(evaluation, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; there are: ${names.join(", ") || "none"}`);
  }
  return found;
}

/** What refuses a stack with config overrides (as {@link evaluateStack} takes them); fails the test when it evaluates. */
export async function stackRefusal(stack: string, overrides: Record<string, string | undefined>): Promise<string> {
  return (await rejection(evaluateStack(stack, overrides))).message;
}
