/**
 * `npm run bump -- --stack <s> --version <v>`: moves one stack's backend to another
 * release by rewriting only `smartem:backendVersion` in `Pulumi.<s>.yaml` (and, given the
 * verified digest of its image, that version's entry of `smartem:backendImageDigests`:
 * verified-pin.ts), after the same version guards the program applies
 * (components/backend/guards.ts) have passed.
 *
 * Offline, the best knowledge of what runs now is the version in the stack file (the
 * program, at `pulumi preview`, checks again against the live deployment), and a
 * promotion source's version is the one in that source stack's file: for
 * `smartem:promoteFrom: <org>/<project>/<stack>`, `Pulumi.<stack>.yaml` of this project.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ConfigError, RawConfig, formatProblem } from "../../components/config/keys";
import { KEY, StackConfig, loadStackConfig } from "../../components/program-config";
import { locatingProblems } from "../../components/config/stack-file";
import { PROJECT } from "../../components/shared/project";
import {
  GuardProblem,
  VersionGuardFacts,
  checkVersionGuards,
  promotionOverrideWarning,
  promotionPolicy,
} from "../../components/backend/guards";
import { PROMOTION_EVIDENCE_OUTPUT } from "../../components/backend/promotion-evidence";
import { PROJECT_ROOT, parseStackFile, readStackFile, stackFilePath } from "../engine/stack-file";
import { replaceFileIfUnchanged } from "../fs/replace-file";
import { StackFileEditError, setConfigValue, yamlProblem } from "./stack-file-edit";
import { setImageDigest } from "./image-digest-edit";

/** The version guards; the program's own (components/backend/guards.ts) unless a test says otherwise. */
export type VersionGuards = (facts: VersionGuardFacts) => readonly GuardProblem[];

export interface BumpRequest {
  readonly stack: string;
  readonly version: string;
  /** The text of `Pulumi.<stack>.yaml` for a stack name (throws when there is none). */
  readonly readStackText: (stack: string) => string;
  /**
   * The verified digest of `version`'s image (verified-pin.ts), recorded beside the version in
   * `smartem:backendImageDigests` so every container runs exactly those bytes.
   * @default none: only `smartem:backendVersion` changes
   */
  readonly imageDigest?: string;
}

export type BumpResult =
  | {
      readonly ok: true;
      readonly from: string;
      readonly to: string;
      /** False when the stack already pins `to` (the text is then the file as it is). */
      readonly changed: boolean;
      readonly text: string;
      readonly nextSteps: readonly string[];
      /** What bump could not check offline and `pulumi preview` checks (the promotion evidence and soak time). */
      readonly caveats: readonly string[];
      /** Said loudly: an override that let the version through (smartem:skipPromotionCheck). */
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

const fileNameOf = (stack: string): string => path.basename(stackFilePath(stack));

/** A stack file that is not YAML, said as `Pulumi.<stack>.yaml line N: reason`. */
class StackFileYamlError extends Error {}

function configOf(stack: string, text: string, options: { readonly locate?: boolean } = {}): StackConfig {
  let file;
  try {
    file = parseStackFile(stack, text);
  } catch (error) {
    if (error instanceof YAML.YAMLError) throw new StackFileYamlError(yamlProblem(fileNameOf(stack), error));
    throw error;
  }
  const parse = (): StackConfig => {
    const config = loadStackConfig(file.config as RawConfig, new Set(file.secretKeys));
    promotionPolicy(config);
    return config;
  };
  // The lines of a file as it stands; a refused new value is not in the file (it is unchanged).
  return options.locate ? locatingProblems(file, file.config, parse) : parse();
}

/**
 * The stack file of this project that answers for a fully qualified `<org>/<project>/<stack>`
 * name, or undefined when the name is of another project (whose files are not here).
 */
function localStackOf(fullyQualified: string): string | undefined {
  const [, project, stack] = fullyQualified.split("/");
  return project === PROJECT && stack ? stack : undefined;
}

/**
 * Decides a bump and returns the new stack-file text, or every problem. Pure apart from
 * `readStackText`; the caller writes the file only when `ok`.
 */
export function planBump(request: BumpRequest, guards: VersionGuards = checkVersionGuards): BumpResult {
  const { stack, version } = request;
  const text = request.readStackText(stack);
  const refuse = (...problems: string[]): BumpResult => ({ ok: false, problems });

  let current: StackConfig;
  try {
    current = configOf(stack, text, { locate: true });
  } catch (error) {
    if (error instanceof ConfigError)
      // Its problems nested under this one, one level deeper than the list they are printed in.
      return refuse(
        [
          `${fileNameOf(stack)} is invalid as it stands; fix it first:`,
          ...error.problems.map((p) => `    - ${formatProblem(p)}`),
        ].join("\n"),
      );
    if (error instanceof StackFileYamlError) return refuse(`${error.message}; fix the YAML first`);
    throw error;
  }

  let edited: string;
  try {
    edited = setConfigValue(text, KEY.backendVersion, version, fileNameOf(stack));
    if (request.imageDigest !== undefined) edited = setImageDigest(edited, version, request.imageDigest, KEY.backendVersion);
    // The new value must pass the same config validation as every other run.
    configOf(stack, edited);
  } catch (error) {
    if (error instanceof ConfigError) return refuse(...error.problems.map(formatProblem));
    if (error instanceof StackFileEditError) return refuse(error.message);
    throw error;
  }

  const deployedVersion = current.backendVersion;
  if (deployedVersion === version) {
    // The same version: at most its digest is recorded.
    const changed = edited !== text;
    return {
      ok: true,
      from: version,
      to: version,
      changed,
      text: edited,
      nextSteps: changed ? nextSteps(stack) : [],
      caveats: [],
      warnings: [],
    };
  }

  let promotion: VersionGuardFacts["promotion"];
  if (current.promoteFrom !== undefined) {
    const sourceStack = localStackOf(current.promoteFrom);
    if (sourceStack === undefined) {
      return refuse(
        `${KEY.promoteFrom} = ${current.promoteFrom}: not a stack of project ${PROJECT}, so its version cannot be read from a stack file here; bump with \`pulumi preview\` reading it live, or set ${KEY.skipPromotionCheck}`,
      );
    }
    let sourceVersion: string;
    try {
      sourceVersion = configOf(sourceStack, request.readStackText(sourceStack)).backendVersion;
    } catch (error) {
      return refuse(
        `${KEY.promoteFrom} = ${current.promoteFrom}: the version of stack ${sourceStack} cannot be read from its stack file: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    promotion = { fromStack: current.promoteFrom, version: sourceVersion, override: current.skipPromotionCheck };
  }

  const facts: VersionGuardFacts = {
    stack,
    version,
    deployedVersion,
    allowPrerelease: current.allowPrerelease,
    allowDowngrade: current.allowDowngrade,
    ...(promotion ? { promotion } : {}),
  };
  const problems = guards(facts).map(formatProblem);
  if (problems.length > 0) return refuse(...problems);

  const policy = promotionPolicy(current);
  const override = promotionOverrideWarning(facts);
  // Offline, the source's evidence is unknown: the version is compared, the rest is left to
  // `pulumi preview`, which reads the source's live promotionEvidence output.
  const caveats =
    policy && !policy.override
      ? [
          `${policy.fromStack}'s ${PROMOTION_EVIDENCE_OUTPUT} for ${version} (migration, rollout, image digest) and the ${policy.soakHours} h soak since its rollout are not known offline: ` +
            `\`pulumi preview --stack ${stack}\` checks them`,
        ]
      : [];
  return {
    ok: true,
    from: deployedVersion,
    to: version,
    changed: true,
    text: edited,
    nextSteps: nextSteps(stack),
    caveats,
    warnings: override ? [override] : [],
  };
}

/** What to run after a bump, in order. */
export function nextSteps(stack: string): string[] {
  return [
    `npm run render -- --stack ${stack}   # then diff out/${stack} against the previous render (or git diff test/golden/${stack} after npm run golden)`,
    `pulumi preview --stack ${stack} --policy-pack policy   # the live guards and policies check again`,
    `pulumi up --stack ${stack}`,
  ];
}

/**
 * The whole bump on the stack files under `root`: plans it and writes `Pulumi.<stack>.yaml`
 * only when it is allowed and changes something. The write is atomic and refused, with the
 * file left as it is, when the file changed on disk after it was read (tools/fs/replace-file.ts).
 */
export function bumpStackFile(
  stack: string,
  version: string,
  guards: VersionGuards = checkVersionGuards,
  root = PROJECT_ROOT,
  imageDigest?: string,
): BumpResult {
  const read = new Map<string, string>();
  const readStackText = (name: string): string => {
    const text = stackText(name, root);
    read.set(name, text);
    return text;
  };
  const result = planBump({ stack, version, readStackText, ...(imageDigest !== undefined ? { imageDigest } : {}) }, guards);
  if (result.ok && result.changed) {
    replaceFileIfUnchanged(stackFilePath(stack, root), read.get(stack) ?? "", result.text, fileNameOf(stack));
  }
  return result;
}

/**
 * The text of `Pulumi.<stack>.yaml` under `root`. A missing file is refused with the list of
 * stacks there are; a file that is not YAML is returned, for planBump to say where.
 */
export function stackText(stack: string, root = PROJECT_ROOT): string {
  try {
    readStackFile(stack, root); // a missing file is refused with the list of stacks there are
  } catch (error) {
    // An invalid file (bad YAML too): planBump says where; only a missing one stops here.
    if (!(error instanceof ConfigError || error instanceof YAML.YAMLError)) throw error;
  }
  return fs.readFileSync(stackFilePath(stack, root), "utf8");
}
