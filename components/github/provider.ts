/**
 * The one GitHub provider every GitHub resource of a stack uses. Configured explicitly
 * so no resource silently falls back to ambient GITHUB_OWNER settings or the default
 * provider. The token comes from the GITHUB_TOKEN environment variable only (never
 * from stack config) and is wrapped as a secret, so it is encrypted in the state and
 * shown as "[secret]" in previews and renders. Permissions it needs: see README,
 * "Tag protection and the PyPI environment".
 */
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";

export function gitHubProvider(
  name: string,
  owner: string,
  env: NodeJS.ProcessEnv = process.env,
  opts?: pulumi.CustomResourceOptions,
): github.Provider {
  // Always a secret (an empty one offline): the SDK would otherwise copy GITHUB_TOKEN
  // from the environment into the provider's inputs in clear.
  const token = pulumi.secret(env.GITHUB_TOKEN ?? "");
  return new github.Provider(name, { owner, token }, opts);
}
