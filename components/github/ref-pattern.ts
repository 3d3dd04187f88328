/**
 * GitHub's ref-name patterns, as rulesets (`conditions.refName`) and environment
 * deployment policies (`tagPattern`) evaluate them: Ruby's `File.fnmatch` with
 * `File::FNM_PATHNAME` and without `FNM_EXTGLOB` (GitHub docs, "Using fnmatch syntax").
 *
 * - `*` matches any run of characters except `/`; `?` one character except `/`.
 * - `**` followed by `/`, as a whole path segment, matches zero or more segments
 *   (`refs/tags/**` + `/` + `*`); anywhere else `**` is just `*`.
 * - `[...]` matches one character of a set or range (never `/`).
 *
 * GitHub does not support `\` quoting, complemented sets `[^...]`, or braces (no
 * FNM_EXTGLOB, so `{a,b}` would be literal): {@link assertSupportedRefPattern} refuses
 * them, so no pattern this program emits can mean something other than it says.
 * Matching is case-sensitive, like git refs. (Ruby also keeps wildcards off a leading
 * `.` of a segment; git forbids ref components starting with `.`, so it never applies.)
 */

/** Thrown for a pattern GitHub would not read the way it looks. */
export class RefPatternError extends Error {}

/** Throws a {@link RefPatternError} naming what is wrong with `pattern`. */
export function assertSupportedRefPattern(pattern: string): void {
  const problem = unsupported(pattern);
  if (problem) throw new RefPatternError(`ref pattern ${JSON.stringify(pattern)}: ${problem}`);
}

/** What GitHub's ref patterns allow, in words (for config errors). */
export const REF_PATTERN_ALLOWED =
  "an fnmatch pattern with '*', '**', '?' and '[a-z0-9]' sets; no '\\', '[^...]'/'[!...]', braces, spaces or '~'/':'";

function unsupported(pattern: string): string | undefined {
  if (pattern.length === 0) return "is empty";
  if (pattern.includes("\\")) return "GitHub does not support '\\' quoting";
  if (/\[[!^]/.test(pattern)) return "GitHub does not support complemented sets [!...] or [^...]";
  if (/[{}]/.test(pattern)) return "braces are literal in GitHub patterns (no FNM_EXTGLOB); write one pattern per alternative";
  if (/[\s~^:]|\.\.|@\{/.test(pattern)) return "contains characters git never allows in a ref name";
  let inSet = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (!inSet && c === "[") {
      if (pattern[i + 1] === "]") return "empty character set []";
      inSet = true;
    } else if (inSet && c === "/") {
      return "a character set never matches '/'";
    } else if (inSet && c === "]") {
      inSet = false;
    }
  }
  return inSet ? "unclosed character set '['" : undefined;
}

const regexCache = new Map<string, RegExp>();

/** The anchored regular expression equivalent to a (supported) ref pattern. */
export function refPatternRegExp(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  assertSupportedRefPattern(pattern);
  let source = "";
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "*") {
      let end = i;
      while (pattern[end] === "*") end++;
      const wholeSegment = (i === 0 || pattern[i - 1] === "/") && pattern[end] === "/";
      if (end - i >= 2 && wholeSegment) {
        source += "(?:[^/]+/)*"; // `**/`: zero or more whole segments
        i = end + 1;
      } else {
        source += "[^/]*";
        i = end;
      }
    } else if (c === "?") {
      source += "[^/]";
      i++;
    } else if (c === "[") {
      const close = pattern.indexOf("]", i + 1);
      const body = pattern.slice(i + 1, close).replace(/[\\\]^]/g, "\\$&");
      source += `[${body}]`;
      i = close + 1;
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i++;
    }
  }
  const regex = new RegExp(`^${source}$`);
  regexCache.set(pattern, regex);
  return regex;
}

/** True when GitHub would say `ref` matches `pattern`. */
export function matchesRefPattern(pattern: string, ref: string): boolean {
  return refPatternRegExp(pattern).test(ref);
}

/** A ruleset's ref condition: included by some pattern and excluded by none. */
export interface RefCondition {
  readonly includes: readonly string[];
  readonly excludes: readonly string[];
}

/** True when a ruleset with this `conditions.refName` applies to the full ref `ref`. */
export function conditionApplies(condition: RefCondition, ref: string): boolean {
  return condition.includes.some((p) => matchesRefPattern(p, ref)) && !condition.excludes.some((p) => matchesRefPattern(p, ref));
}
