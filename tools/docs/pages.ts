/** The generated reference pages of this project, as relative path -> content. */
import { configSchema } from "../../components/program-config";
import { policies } from "../../policy/policies";
import { listStacks, readStackFile } from "../engine/stack-file";
import { REFERENCE_FILES, configurationReference, policyReference } from "./reference";

export function referencePages(): Map<string, string> {
  const keysByStack = Object.fromEntries(listStacks().map((stack) => [stack, Object.keys(readStackFile(stack).config)]));
  return new Map([
    [REFERENCE_FILES.configuration, configurationReference(configSchema, keysByStack)],
    [REFERENCE_FILES.policies, policyReference(policies)],
  ]);
}
