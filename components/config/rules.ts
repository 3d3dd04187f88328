/** Reusable value rules for config keys: each says in words what it allows. */
import { z } from "zod";
import { VersionError, assertDeployable } from "../version/version";

/** A Kubernetes object name usable as a namespace or label value (RFC 1123 label). */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "not an RFC 1123 label");
export const DNS_LABEL_ALLOWED = "lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters";

/** A deployable, canonical PEP 440 version (see version.assertDeployable). */
export const deployableVersion = z.string().superRefine((text, ctx) => {
  try {
    assertDeployable(text);
  } catch (error) {
    if (!(error instanceof VersionError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
  }
});
export const DEPLOYABLE_VERSION_ALLOWED =
  "a canonical PEP 440 release X.Y.Z or pre-release X.Y.Z{a,b,rc}N, e.g. 0.1.1 or 0.1.1rc52 (no 'v', no local '+...', no dev/post, never 'latest')";

/** A GitHub user or organisation login. */
export const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "not a GitHub login");
export const GITHUB_LOGIN_ALLOWED = "letters, digits and single hyphens, at most 39 characters";

/** A GitHub repository name. */
export const githubRepositoryName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, "not a GitHub repository name")
  .refine((s) => s !== "." && s !== "..", "not a GitHub repository name");
export const GITHUB_REPOSITORY_ALLOWED = "letters, digits, '.', '-' and '_', at most 100 characters";

/** A replica count. */
export const replicas = z.number().int().min(0).max(50);
export const REPLICAS_ALLOWED = "an integer from 0 to 50";

/** A fully qualified Pulumi stack name, as a StackReference takes it. */
export const fullyQualifiedStack = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "not a fully qualified stack name");
export const FULLY_QUALIFIED_STACK_ALLOWED = "<organization>/<project>/<stack>, e.g. organization/smartem/staging";
