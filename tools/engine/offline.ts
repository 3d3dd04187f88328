/**
 * Offline evaluation of a stack from its `Pulumi.<stack>.yaml`: what `npm run render`,
 * the golden tests and the benchmark evaluate. Facts that only a live backend knows
 * are answered here from files, and what cannot be known is said so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_PROMOTION_SOAK_HOURS } from "../../components/backend/guards";
import { PROMOTION_EVIDENCE_OUTPUT } from "../../components/backend/promotion-evidence";
import { ConfigError } from "../../components/config/keys";
import { KEY } from "../../components/program-config";
import { PROJECT } from "../../components/shared/project";
import { Evaluation, EvaluateOptions, ORGANIZATION, evaluate } from "./evaluate";
import { PROJECT_ROOT, StackFile, goldenDir, listStacks, readStackFile } from "./stack-file";

const qualified = (stack: string): string => `${ORGANIZATION}/${PROJECT}/${stack}`;

/** Another stack's file, or undefined when it is invalid: a broken other file never stops this stack. */
function readOtherStackFile(stack: string, root: string): StackFile | undefined {
  try {
    return readStackFile(stack, root);
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** Where a stack's last reviewed outputs are: the golden render's outputs.json. */
export function recordedOutputsPath(stack: string, root = PROJECT_ROOT): string {
  return path.join(goldenDir(stack, root), "outputs.json");
}

/**
 * What a stack runs now, offline: the outputs of its last reviewed render
 * (`test/golden/<stack>/outputs.json`, which `npm run golden` writes with every change,
 * the change is merged with, and deploy.yml then applies). So, as under the real engine
 * with the stack's last outputs, a stack pinned to what it runs re-applies it (no promotion
 * check), and a pin that moved is checked against what it moved from. Undefined for a
 * stack with no golden render: a first deploy.
 */
export function recordedOutputs(stack: string, root = PROJECT_ROOT): Record<string, unknown> | undefined {
  const file = recordedOutputsPath(stack, root);
  if (!fs.existsSync(file)) return undefined;
  const where = path.relative(root, file);
  // Not `npm run golden`: it evaluates the stack, and so reads this file, first.
  const fix = `restore it (git checkout -- ${where}), or delete it to render ${stack} as a first deploy`;
  let outputs: unknown;
  try {
    outputs = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${where}: not JSON (${error instanceof Error ? error.message : String(error)}); ${fix}`, { cause: error });
  }
  if (!outputs || typeof outputs !== "object" || Array.isArray(outputs)) {
    throw new Error(`${where}: not a JSON object of stack outputs; ${fix}`);
  }
  return outputs as Record<string, unknown>;
}

/**
 * The stack references the program reads (the upgrade guards), answered offline:
 * the stack being rendered reports its last reviewed outputs ({@link recordedOutputs};
 * none on a first deploy); another stack is assumed to run the backendVersion of its
 * stack file, as it will once its own change is applied.
 */
export function offlineStackReferences(stack: string, root = PROJECT_ROOT): Record<string, Record<string, unknown>> {
  const references: Record<string, Record<string, unknown>> = {};
  for (const other of listStacks(root)) {
    if (other === stack) {
      references[qualified(other)] = recordedOutputs(stack, root) ?? {};
      continue;
    }
    const version = readOtherStackFile(other, root)?.config[KEY.backendVersion];
    references[qualified(other)] = version === undefined ? {} : { backendVersion: version };
  }
  return references;
}

/** What an offline render assumes or cannot know, in plain words, for the console. */
export function offlineCaveats(stack: string, root = PROJECT_ROOT): string[] {
  const file = readStackFile(stack, root);
  const pinned = file.config[KEY.backendVersion];
  const recorded = recordedOutputs(stack, root)?.backendVersion;
  const where = path.relative(root, recordedOutputsPath(stack, root));
  const caveats = [
    recorded === undefined
      ? `${where} does not exist: ${qualified(stack)} is rendered as a first deploy (no-downgrade guard skipped); \`pulumi preview\` checks against the live backendVersion output`
      : `${qualified(stack)} is taken to run ${String(recorded)} now (${where}, its last reviewed render)` +
        (recorded === pinned ? ", which it pins: a re-apply, no promotion check" : `, and moves to ${String(pinned)}`) +
        "; `pulumi preview` checks against the live backendVersion output",
  ];
  const source = file.config[KEY.promoteFrom];
  if (source !== undefined) {
    const assumed = offlineStackReferences(stack, root)[source]?.backendVersion;
    caveats.push(
      assumed === undefined
        ? `${source} has no stack file here: the promotion guard cannot be answered offline`
        : `${source} is assumed to run ${String(assumed)} (its stack file); \`pulumi preview\` reads its live backendVersion output`,
    );
    caveats.push(
      file.config[KEY.skipPromotionCheck] === "true"
        ? `${KEY.skipPromotionCheck} is true: the promotion check from ${source} (version, evidence, soak time) is SKIPPED, an emergency; unset it once it is over`
        : `${source}'s ${PROMOTION_EVIDENCE_OUTPUT} (migration, rollout, image digest) and the ${file.config[KEY.promotionSoakHours] ?? DEFAULT_PROMOTION_SOAK_HOURS} h soak since its rollout are not known offline: ` +
            `soak time checked by \`pulumi preview\`, against ${source}'s live output; the render checks the version alone`,
    );
  }
  caveats.push(`${PROMOTION_EVIDENCE_OUTPUT}.rolledOutAt is stamped by the cluster at \`pulumi up\`: the render leaves it out`);
  const broken = listStacks(root).filter((other) => other !== stack && readOtherStackFile(other, root) === undefined);
  if (broken.length > 0) {
    caveats.push(
      `${broken.map((b) => `Pulumi.${b}.yaml`).join(", ")} ${broken.length === 1 ? "is" : "are"} invalid: read as running no version (render ${broken.length === 1 ? "that stack" : "them"} to see why)`,
    );
  }
  if (file.secretKeys.length > 0) {
    caveats.push(`encrypted config is not decrypted offline (${file.secretKeys.join(", ")}): placeholders stand in`);
  }
  return caveats;
}

export function offlineOptions(stack: string, root = PROJECT_ROOT): EvaluateOptions {
  const file = readStackFile(stack, root);
  return {
    stack,
    config: file.config,
    secretKeys: file.secretKeys,
    stackReferences: offlineStackReferences(stack, root),
    projectDir: root,
  };
}

export function evaluateOffline(stack: string, root = PROJECT_ROOT): Promise<Evaluation> {
  return evaluate(offlineOptions(stack, root));
}
