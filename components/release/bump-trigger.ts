/**
 * How a stable release starts this project's bump PRs at once: the last job of the package's
 * release workflow starts `bump.yml` of this project's repository (smartem:deliveryRepository)
 * with `workflow_dispatch`, so the bump PRs do not wait for bump.yml's schedule.
 *
 * Why `workflow_dispatch` and not `repository_dispatch`: starting a workflow needs a token with
 * **Actions: write** on this project's repository; a repository dispatch needs **Contents: write**
 * there, which could push code. The token is an environment secret of an environment only the
 * package's release tags may deploy to, so no branch or pull-request run of the package
 * repository can read it.
 */
import type { PythonPackage } from "./package";
import type { EnvironmentSpec } from "./release-gate";
import { releaseTagPattern } from "./tag-rules";

/** This project's bump workflow, which the delivery generator writes (tools/delivery/delivery-workflows.ts). */
export const BUMP_WORKFLOW_FILE = "bump.yml";
/** The event type bump.yml also accepts from a person or a tool holding a Contents: write token. */
export const RELEASE_DISPATCH_TYPE = "smartem-release";
/** The package repository's environment that holds the token, deployable from release tags only. */
export const BUMP_TRIGGER_ENVIRONMENT = "bump-trigger";
/** The environment secret: a token with Actions: write on this project's repository and nothing else. */
export const BUMP_TRIGGER_SECRET = "SMARTEM_BUMP_TRIGGER_TOKEN";

export interface BumpTrigger {
  /** `<owner>/<name>` of this project's repository, whose bump.yml a stable release starts. */
  readonly repository: string;
  /** The image the backend runs (smartem:backendImage): what a bump PR pins. */
  readonly image: string;
}

/**
 * The trigger of one package: only the package whose container job pushes the backend's image
 * (at most one: container images are unique among the packages) has anything for a bump PR to pin.
 */
export function packageBumpTrigger(pkg: PythonPackage, trigger: BumpTrigger | undefined): BumpTrigger | undefined {
  return trigger !== undefined && pkg.container?.image === trigger.image ? trigger : undefined;
}

/**
 * The environment of the package repository that holds {@link BUMP_TRIGGER_SECRET}: only
 * the package's release tags may deploy to it; no reviewers (it starts a workflow that
 * only opens pull requests).
 */
export function bumpTriggerEnvironment(pkg: PythonPackage): EnvironmentSpec {
  return {
    repository: pkg.repository,
    environment: BUMP_TRIGGER_ENVIRONMENT,
    canAdminsBypass: false,
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    deploymentPolicies: [{ tagPattern: releaseTagPattern(pkg) }],
  };
}

/**
 * The step's script. Without the secret (not set up yet) the release stays green and says
 * that bump.yml's schedule will pick the version up; a refused start fails the job, so a
 * broken token shows.
 */
export const BUMP_TRIGGER_SCRIPT = `if [[ -z "\${GH_TOKEN}" ]]; then
  echo "::warning::no ${BUMP_TRIGGER_SECRET} in the ${BUMP_TRIGGER_ENVIRONMENT} environment: \${WORKFLOW} of \${DELIVERY_REPOSITORY} proposes \${VERSION} at its next scheduled run instead of now"
  exit 0
fi
gh workflow run "\${WORKFLOW}" --repo "\${DELIVERY_REPOSITORY}"
echo "started \${WORKFLOW} of \${DELIVERY_REPOSITORY} for \${VERSION}"
`;
