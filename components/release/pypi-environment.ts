/**
 * The GitHub deployment environment the PyPI publish job runs in, as pure data:
 * deployable only from the package's release tags, behind required reviewers that
 * admins cannot bypass. PyPI's trusted publisher binds its name.
 */
import { PythonPackage } from "./package";
import { releaseTagPattern } from "./tag-rules";

/** GitHub allows at most six users or teams as required reviewers of an environment. */
export const MAX_REVIEWERS = 6;
/** GitHub's longest wait timer: 30 days, in minutes. */
export const MAX_WAIT_TIMER_MINUTES = 43_200;

/** Required reviewers by numeric GitHub id (`gh api users/<login> --jq .id`). */
export interface Reviewers {
  readonly users: readonly number[];
  readonly teams: readonly number[];
}

export interface PypiEnvironmentSpec {
  readonly repository: string;
  readonly environment: string;
  readonly reviewers: Reviewers;
  /** The person who triggered the run cannot approve it. */
  readonly preventSelfReview: true;
  /** GitHub's default lets admins skip the reviewers; the gate is the point. */
  readonly canAdminsBypass: false;
  readonly waitTimer: number;
  /** Custom policies only: no branch, only the tags below, may deploy. */
  readonly deploymentBranchPolicy: { readonly protectedBranches: false; readonly customBranchPolicies: true };
  /** Short tag patterns (fnmatch) admitted by `RepositoryEnvironmentDeploymentPolicy.tagPattern`. */
  readonly tagPatterns: readonly string[];
}

export function pypiEnvironmentSpec(pkg: PythonPackage, reviewers: Reviewers, waitTimer = 0): PypiEnvironmentSpec {
  return {
    repository: pkg.repository,
    environment: pkg.pypiEnvironment,
    reviewers: { users: [...reviewers.users], teams: [...reviewers.teams] },
    preventSelfReview: true,
    canAdminsBypass: false,
    waitTimer,
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    tagPatterns: [releaseTagPattern(pkg)],
  };
}
