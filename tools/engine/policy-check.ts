/**
 * Applies the policy pack's policies (policy/policies.ts) to an offline Evaluation, the
 * way `pulumi preview --policy-pack policy` applies them to a live preview: each custom
 * resource's inputs are the policy's props (stack policies see them all at once). The
 * render refuses a plan with mandatory violations.
 */
import type {
  Policies,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies as packPolicies } from "../../policy/policies";
import { Evaluation } from "./evaluate";

export interface PolicyViolation {
  readonly policy: string;
  /** Only `mandatory` violations block (as in `pulumi preview`); Pulumi's default is advisory. */
  readonly enforcementLevel: "advisory" | "mandatory" | "remediate";
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly message: string;
}

/** The resource a policy sees; everything else of ResourceValidationArgs is filled in. */
export interface PolicySubject {
  readonly type: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly urn?: string;
  readonly parent?: string;
}

class NotApplicable extends Error {}

/** ResourceValidationArgs as the Pulumi engine builds them, for an offline resource. */
export function policyArgs(subject: PolicySubject): ResourceValidationArgs {
  return {
    type: subject.type,
    name: subject.name,
    props: subject.props as ResourceValidationArgs["props"],
    urn: subject.urn ?? `urn:pulumi:offline::smartem::${subject.type}::${subject.name}`,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(subject.parent ? { parent: subject.parent } : {}),
    },
    stackTags: new Map(),
    // Typed class checks need the provider SDK's resource classes; these policies use `type`.
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** The messages one policy reports for one resource (none when it holds or does not apply). */
export async function applyPolicy(policy: ResourceValidationPolicy, subject: PolicySubject): Promise<string[]> {
  const messages: string[] = [];
  const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  const args = policyArgs(subject);
  for (const validate of validations) {
    try {
      await validate(args, (message) => messages.push(message));
    } catch (error) {
      if (error instanceof NotApplicable) break;
      throw error;
    }
  }
  return messages;
}

function isStackPolicy(policy: ResourceValidationPolicy | StackValidationPolicy): policy is StackValidationPolicy {
  return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** The messages a stack policy reports, each with the URN it names (if any). */
export async function applyStackPolicy(
  policy: StackValidationPolicy,
  subjects: readonly PolicySubject[],
): Promise<Array<{ message: string; urn?: string }>> {
  const resources: PolicyResource[] = subjects.map((subject) => {
    const { type, name, props, urn, opts } = policyArgs(subject);
    return {
      type,
      name,
      props,
      urn,
      opts,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
  });
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  const reports: Array<{ message: string; urn?: string }> = [];
  try {
    await policy.validateStack(args, (message, urn) => reports.push(urn === undefined ? { message } : { message, urn }));
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return reports;
}

/** Every violation of every policy by the custom resources of an evaluation, in order. */
export async function checkPolicies(
  evaluation: Evaluation,
  policies: Readonly<Policies> = packPolicies,
): Promise<PolicyViolation[]> {
  const custom = evaluation.resources.filter((r) => r.custom);
  const subjects: PolicySubject[] = custom.map((r) => ({
    type: r.type,
    name: r.name,
    props: r.inputs,
    urn: r.urn,
    ...(r.parent ? { parent: r.parent } : {}),
  }));
  const violations: PolicyViolation[] = [];
  for (const policy of policies) {
    const enforcementLevel = policy.enforcementLevel ?? "advisory";
    if (enforcementLevel === "disabled") continue;
    if (isStackPolicy(policy)) {
      for (const { message, urn } of await applyStackPolicy(policy, subjects)) {
        const named = custom.find((r) => r.urn === urn);
        violations.push({
          policy: policy.name,
          enforcementLevel,
          type: named?.type ?? "stack",
          name: named?.name ?? evaluation.stack,
          urn: urn ?? "",
          message,
        });
      }
      continue;
    }
    for (const subject of subjects) {
      for (const message of await applyPolicy(policy, subject)) {
        violations.push({
          policy: policy.name,
          enforcementLevel,
          type: subject.type,
          name: subject.name,
          urn: subject.urn ?? "",
          message,
        });
      }
    }
  }
  return violations;
}

/** `policy <name> violated by <type> <name>: <message>`, one line per violation. */
export function formatViolation(v: PolicyViolation): string {
  return `policy ${v.policy} violated by ${v.type} ${v.name}: ${v.message}`;
}

/** Thrown by {@link assertPolicies}; its message lists every violation. */
export class PolicyViolationError extends Error {
  constructor(readonly violations: readonly PolicyViolation[]) {
    super(`${violations.length} policy violation(s):\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`);
    this.name = "PolicyViolationError";
  }
}

/**
 * Throws a {@link PolicyViolationError} naming every violation when a mandatory policy is
 * violated; returns the advisory violations (the caller prints them as warnings).
 */
export async function assertPolicies(evaluation: Evaluation): Promise<PolicyViolation[]> {
  const violations = await checkPolicies(evaluation);
  const blocking = violations.filter((v) => v.enforcementLevel === "mandatory");
  if (blocking.length > 0) throw new PolicyViolationError(blocking);
  return violations;
}
