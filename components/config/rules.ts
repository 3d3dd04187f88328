/** Reusable value rules for config keys: each says in words what it allows. */
import { z } from "zod";
import { VersionError, assertDeployable } from "../version/version";

/** A Kubernetes object name usable as a namespace or label value (RFC 1123 label). */
export const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "not an RFC 1123 label");
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
export const githubLogin = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "not a GitHub login");
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

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why a DNS host name breaks RFC 1123 (labels of 1 to 63 letters, digits and inner '-', at most 253 in all), or undefined. */
export function hostNameProblem(name: string): string | undefined {
  if (name.length > 253) return `${name.length} characters; a host name has at most 253`;
  const labels = name.split(".");
  // Labels by position, not by text: a value set with --secret must not be echoed.
  for (const [i, label] of labels.entries()) {
    const which = `label ${i + 1} of ${labels.length}`;
    if (label === "") return `${which} is empty (a leading, trailing or doubled '.')`;
    if (label.length > 63) return `${which} has ${label.length} characters; a label has at most 63`;
    if (!LABEL.test(label)) return `${which} is not letters, digits and inner '-'`;
  }
  // A last label of digits only would make 1.2.3.999 a "host name": it is a mistyped address.
  if (/^\d+$/.test(labels.at(-1)!) && !z.ipv4().safeParse(name).success)
    return "not an IPv4 address, and a host name does not end in a number";
  return undefined;
}

/** A DNS host name (RFC 1123) or an IPv4/IPv6 address, without scheme or port. */
export const hostName = z.string().superRefine((name, ctx) => {
  if (z.ipv4().safeParse(name).success || z.ipv6().safeParse(name).success) return;
  const problem = hostNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: `not a host name: ${problem}` });
});
export const HOST_NAME_ALLOWED =
  "a DNS host name (labels of 1 to 63 letters, digits and inner '-', separated by '.', at most 253 characters) or an IP address, without scheme or port, e.g. db.example.org";

/** An http(s) URL whose host is a valid host name (the URL parser alone takes `https://a..b`). */
export function urlHostProblem(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return z.ipv6().safeParse(host).success ? undefined : hostNameProblem(host);
}

/**
 * A browser origin exactly as the Origin header carries it, `http(s)://host[:port]`: the backend
 * compares origins as text, so a path, a trailing '/', user info, a query, upper case or a
 * default port (:443, :80) would never match any request.
 */
export const httpOrigin = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "not a URL" });
    return;
  }
  const problem =
    url.protocol !== "http:" && url.protocol !== "https:"
      ? `the scheme ${url.protocol} is not http: or https:`
      : url.username || url.password
        ? "user info (user@) is not part of an origin"
        : urlHostProblem(url);
  if (problem) {
    ctx.addIssue({ code: "custom", message: `not an origin: ${problem}` });
  } else if (url.origin !== text) {
    ctx.addIssue({
      code: "custom",
      message: `not an origin as browsers send it (that would be ${url.origin}): no path, trailing '/', query, fragment, upper case or default port`,
    });
  }
});
export const HTTP_ORIGIN_ALLOWED =
  "http(s)://host[:port] as browsers send it, e.g. https://smartem.example.org or http://localhost:3000 (lower case, no path, no trailing '/', no default port)";

/**
 * A branch name git accepts (`git check-ref-format --branch`), and only of letters, digits,
 * '.', '_', '-' and '/': it also lands in workflow `branches:` filters, where `*?[!+` are patterns.
 */
export const gitBranchName = z.string().superRefine((name, ctx) => {
  const refuse = (message: string): void =>
    ctx.addIssue({ code: "custom", message: `not a branch name git accepts: ${message}` });
  if (!/^[A-Za-z0-9._/-]+$/.test(name)) return refuse("only letters, digits, '.', '_', '-' and '/' are used here");
  if (name.startsWith("-")) return refuse("it starts with '-'");
  if (name === "HEAD") return refuse("HEAD is not a branch");
  if (name.includes("..")) return refuse("it contains '..'");
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) return refuse("an empty '/'-separated part");
  if (name.endsWith(".")) return refuse("it ends with '.'");
  const part = name.split("/").find((p) => p.startsWith(".") || p.endsWith(".lock"));
  if (part) return refuse(`the part ${part} ${part.startsWith(".") ? "starts with '.'" : "ends with .lock"}`);
});
