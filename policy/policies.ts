/**
 * The guard rails of the release infrastructure as plain resource policies: the policy
 * pack (./index.ts) serves them to `pulumi preview --policy-pack policy`, and the offline
 * render (tools/engine/policy-check.ts) applies the very same objects.
 *
 * Only types are imported from @pulumi/policy, so loading this module starts nothing.
 */
import type {
  Policies,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { OBJECT_NAMES } from "../components/backend/names";
import { COMPONENT_LABEL } from "../components/backend/labels";
import { TYPES } from "../components/shared/project";
import { imagePinProblem } from "./images";
import { Loose, at, containersOf, podSpecOf } from "./pod-specs";
import { pypiPublishEnvironments, workflowProblems } from "./workflow";

/** The api Deployment by name, or any Deployment labelled as the api component. */
const API_DEPLOYMENT_NAME = OBJECT_NAMES.api;

const WORKFLOWS_DIR = ".github/workflows/";

/** A policy whose checks are synchronous, so the offline check needs no special handling. */
type Check = (args: ResourceValidationArgs, report: ReportViolation) => void;

function mandatory(name: string, description: string, check: Check): ResourceValidationPolicy {
  return { name, description, enforcementLevel: "mandatory", validateResource: check };
}

export const pinnedImages = mandatory(
  "pinned-images",
  "Every container image is pinned: the smartem-decisions image by its released PEP 440 version, any other image by exact version tag or digest; never latest or untagged.",
  (args, report) => {
    const podSpec = podSpecOf(args.type, args.props);
    if (!podSpec) return;
    for (const { where, name, container } of containersOf(podSpec)) {
      const problem = imagePinProblem(container.image);
      if (problem) report(`${where} (${name}): ${problem}`);
    }
  },
);

export const podSecurityRestricted = mandatory(
  "pod-security-restricted",
  "Every pod spec meets the Pod Security Standard 'restricted': non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, nothing privileged, no host namespaces or hostPath volumes.",
  (args, report) => {
    const podSpec = podSpecOf(args.type, args.props);
    if (!podSpec) return;
    const pod: Loose = podSpec.securityContext ?? {};
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (podSpec[field] === true) report(`pod spec sets ${field}: true; remove it`);
    }
    const volumes: Loose[] = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
    for (const volume of volumes) {
      if (volume?.hostPath)
        report(`volume ${volume.name} is a hostPath volume; use a PersistentVolumeClaim, ConfigMap or emptyDir`);
    }
    if (pod.runAsUser === 0) report("pod securityContext.runAsUser is 0 (root)");
    const containers = containersOf(podSpec);
    if (containers.length === 0) report("pod spec has no containers");
    for (const { where, name, container } of containers) {
      const own: Loose = container.securityContext ?? {};
      const label = `${where} (${name})`;
      if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true)
        report(`${label}: set runAsNonRoot: true (pod or container securityContext)`);
      if (own.runAsUser === 0) report(`${label}: securityContext.runAsUser is 0 (root)`);
      if (own.allowPrivilegeEscalation !== false) report(`${label}: set securityContext.allowPrivilegeEscalation: false`);
      if (own.privileged === true) report(`${label}: securityContext.privileged must not be true`);
      const drop: unknown[] = Array.isArray(own.capabilities?.drop) ? own.capabilities.drop : [];
      if (!drop.includes("ALL")) report(`${label}: set securityContext.capabilities.drop: ["ALL"]`);
      const added: unknown[] = Array.isArray(own.capabilities?.add) ? own.capabilities.add : [];
      const extra = added.filter((c) => c !== "NET_BIND_SERVICE");
      if (extra.length > 0) report(`${label}: capabilities.add ${JSON.stringify(extra)} is not allowed (only NET_BIND_SERVICE)`);
      const seccomp = (own.seccompProfile ?? pod.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        report(`${label}: set seccompProfile.type: RuntimeDefault (pod or container securityContext)`);
      }
    }
  },
);

export const apiZeroDowntimeRollout = mandatory(
  "api-zero-downtime-rollout",
  `The api Deployment (${API_DEPLOYMENT_NAME}, or ${COMPONENT_LABEL}=api) rolls with maxUnavailable 0 and gates traffic on a readiness probe.`,
  (args, report) => {
    if (args.type !== TYPES.deployment) return;
    const props: Loose = args.props;
    const isApi =
      args.name === API_DEPLOYMENT_NAME ||
      at(props, ["metadata", "name"]) === API_DEPLOYMENT_NAME ||
      at(props, ["metadata", "labels", COMPONENT_LABEL]) === "api" ||
      at(props, ["spec", "template", "metadata", "labels", COMPONENT_LABEL]) === "api";
    if (!isApi) return;
    const strategy: Loose = at(props, ["spec", "strategy"]) ?? {};
    if (strategy.type !== undefined && strategy.type !== "RollingUpdate") {
      report(`strategy.type is ${JSON.stringify(strategy.type)}; use RollingUpdate`);
    }
    const maxUnavailable = strategy.rollingUpdate?.maxUnavailable;
    if (maxUnavailable !== 0 && maxUnavailable !== "0%") {
      report(
        `strategy.rollingUpdate.maxUnavailable is ${JSON.stringify(maxUnavailable ?? "(unset, 25%)")}; set it to 0 so capacity never drops during a rollout`,
      );
    }
    const containers: Loose[] = (at(props, ["spec", "template", "spec", "containers"]) as Loose[]) ?? [];
    if (!Array.isArray(containers) || containers.length === 0) report("has no containers");
    else {
      for (const c of containers) {
        if (!c?.readinessProbe) report(`container ${c?.name}: add a readinessProbe so a pod gets traffic only once it is ready`);
      }
    }
  },
);

/** A tag ruleset that makes the tags it covers immutable: no deletion, no move, nobody exempt. */
function isImmutabilityRuleset(props: Loose): boolean {
  const bypass = Array.isArray(props.bypassActors) ? props.bypassActors : [];
  return props.rules?.deletion === true && props.rules?.update === true && bypass.length === 0;
}

function includesOf(props: Loose): unknown[] {
  const includes = at(props, ["conditions", "refName", "includes"]);
  return Array.isArray(includes) ? includes : [];
}

export const releaseTagRulesetActive = mandatory(
  "release-tag-ruleset-active",
  "Every tag ruleset is enforced (active) and covers some tags; one that blocks deleting or moving tags blocks both, with no bypass actor.",
  (args, report) => {
    if (args.type !== TYPES.ruleset || args.props.target !== "tag") return;
    const props: Loose = args.props;
    if (props.enforcement !== "active") {
      report(
        `enforcement is ${JSON.stringify(props.enforcement)}; a tag ruleset must be "active" (evaluate/disabled protect nothing)`,
      );
    }
    if (includesOf(props).length === 0) report("conditions.refName.includes is empty; it protects no tag");
    const rules: Loose = props.rules ?? {};
    if (rules.deletion === true || rules.update === true) {
      if (rules.deletion !== true)
        report("rules.update is set but rules.deletion is not; release tags must be neither deletable nor movable");
      if (rules.update !== true)
        report("rules.deletion is set but rules.update is not; release tags must be neither deletable nor movable");
      const bypass = Array.isArray(props.bypassActors) ? props.bypassActors : [];
      if (bypass.length > 0)
        report(
          `blocks deleting/moving tags but lets ${bypass.length} bypass actor(s) do it; release tags are immutable for everyone`,
        );
    }
  },
);

export const releaseTagsImmutable: StackValidationPolicy = {
  name: "release-tags-immutable",
  description:
    "Every tag pattern a tag ruleset protects (e.g. the stable-tag creation rule) is also covered by an active ruleset that blocks deleting and moving those tags, with no bypass actor.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const tagRulesets = args.resources.filter((r) => r.type === TYPES.ruleset && r.props.target === "tag");
    const immutable = tagRulesets.filter((r) => r.props.enforcement === "active" && isImmutabilityRuleset(r.props));
    const covered = (repository: unknown, pattern: unknown): boolean =>
      immutable.some(
        (r) =>
          r.props.repository === repository && (includesOf(r.props).includes(pattern) || includesOf(r.props).includes("~ALL")),
      );
    for (const ruleset of tagRulesets) {
      const uncovered = includesOf(ruleset.props).filter((pattern) => !covered(ruleset.props.repository, pattern));
      if (uncovered.length > 0) {
        report(
          `protects ${uncovered.map((p) => JSON.stringify(p)).join(", ")} in ${String(ruleset.props.repository)}, but no active tag ruleset there blocks deleting and moving those tags (rules.deletion and rules.update true, no bypassActors)`,
          ruleset.urn,
        );
      }
    }
  },
};

/** Why an environment that PyPI uploads run in is not tag-only, reviewed and unbypassable. */
function publishEnvironmentProblems(props: Loose): string[] {
  const problems: string[] = [];
  const branchPolicy: Loose = props.deploymentBranchPolicy ?? {};
  if (branchPolicy.protectedBranches !== false || branchPolicy.customBranchPolicies !== true) {
    problems.push(
      `deploymentBranchPolicy is ${JSON.stringify(props.deploymentBranchPolicy ?? null)}; set {protectedBranches: false, customBranchPolicies: true} and allow only release-tag patterns`,
    );
  }
  if (props.canAdminsBypass !== false) problems.push("canAdminsBypass is not false (GitHub's default is true); set it to false");
  const reviewers: Loose[] = Array.isArray(props.reviewers) ? props.reviewers : [];
  const count = reviewers.reduce(
    (n, r) => n + (Array.isArray(r?.users) ? r.users.length : 0) + (Array.isArray(r?.teams) ? r.teams.length : 0),
    0,
  );
  if (count === 0) problems.push("has no reviewer; add at least one user or team to reviewers");
  return problems;
}

export const pypiEnvironmentTagOnly: StackValidationPolicy = {
  name: "pypi-environment-tag-only",
  description:
    "Every environment a generated workflow publishes to PyPI from is managed by this stack and deploys only from release tags (a tag policy, no branch), after a reviewer approves, with no admin bypass.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const ofType = (type: string) => args.resources.filter((r) => r.type === type);
    const environments = ofType(TYPES.environment);
    const deploymentPolicies = ofType(TYPES.deploymentPolicy);
    for (const file of ofType(TYPES.repositoryFile)) {
      const { repository, file: path, content } = file.props as Loose;
      if (typeof path !== "string" || !path.startsWith(WORKFLOWS_DIR) || typeof content !== "string") continue;
      for (const name of pypiPublishEnvironments(content)) {
        if (name === "") {
          report(
            `${path} publishes to PyPI from a job without an environment; run it in a tag-only, reviewed environment`,
            file.urn,
          );
          continue;
        }
        const environment = environments.find((e) => e.props.repository === repository && e.props.environment === name);
        if (!environment) {
          report(
            `${path} publishes to PyPI from environment ${name}, which this stack does not manage in ${String(repository)} (GitHub would create it unprotected)`,
            file.urn,
          );
          continue;
        }
        for (const problem of publishEnvironmentProblems(environment.props)) report(`${name}: ${problem}`, environment.urn);
        const own = deploymentPolicies.filter((p) => p.props.repository === repository && p.props.environment === name);
        if (!own.some((p) => typeof p.props.tagPattern === "string" && p.props.tagPattern !== "")) {
          report(
            `${name}: no deployment policy admits release tags (tagPattern); add one for the package's tags`,
            environment.urn,
          );
        }
        // The provider may report an unset pattern as "": only a real pattern admits branches.
        if (own.some((p) => typeof p.props.branchPattern === "string" && p.props.branchPattern !== "")) {
          report(
            `${name}: a deployment policy admits branches (branchPattern); PyPI uploads come from release tags only`,
            environment.urn,
          );
        }
      }
    }
  },
};

export const workflowFilesHardened = mandatory(
  "workflow-files-hardened",
  "Generated workflow files pin every action to a commit SHA, keep the workflow-level token read-only, and grant id-token: write only to publishing jobs.",
  (args, report) => {
    if (args.type !== TYPES.repositoryFile) return;
    const file = args.props.file;
    if (typeof file !== "string" || !file.startsWith(WORKFLOWS_DIR)) return;
    const content = args.props.content;
    if (typeof content !== "string") {
      report(`${file}: content is not known text, so it cannot be checked`);
      return;
    }
    for (const problem of workflowProblems(content)) report(`${file}: ${problem}`);
  },
);

/** Every policy of the pack, in the order they are reported. */
export const policies: Readonly<Policies> = [
  pinnedImages,
  podSecurityRestricted,
  apiZeroDowntimeRollout,
  releaseTagRulesetActive,
  releaseTagsImmutable,
  pypiEnvironmentTagOnly,
  workflowFilesHardened,
];
