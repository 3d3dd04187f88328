/**
 * What the Pulumi CLI makes of a YAML scalar in a stack file. The CLI (v3) reads stack files
 * with gopkg.in/yaml.v3 into untyped Go values and hands the program each value as text:
 * a string as it is, any other scalar as Go's JSON of the typed value, a map or list as Go's
 * JSON of the structure (keys sorted). So `0x10` reaches the program as "16", `1.0` as "1",
 * an empty value or `~` as "" and a 21-digit number rounded. These functions say what a
 * plain scalar becomes; the stack-file reader refuses every form whose text would change.
 * Measured against the CLI's own code (pulumi sdk v3.276.0): see test/config/cli-texts.json.
 */

/** A plain scalar as yaml.v3 resolves it, with the text the CLI passes for it. */
export type CliScalar =
  | { readonly kind: "string" }
  | { readonly kind: "null" }
  | { readonly kind: "bool" | "int" | "float"; readonly text: string }
  /** `.inf`, `.nan`: Go's JSON encoder refuses them, so the CLI refuses the whole file. */
  | { readonly kind: "nonfinite" }
  /** A date or date-time: the CLI passes Go's time.String(), e.g. "2024-01-02 00:00:00 +0000 UTC". */
  | { readonly kind: "timestamp" };

// yaml.v3 resolve.go: the words it looks up before trying numbers.
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const NON_FINITE = new Set([".nan", ".NaN", ".NAN", ...[".inf", ".Inf", ".INF"].flatMap((w) => [w, `+${w}`, `-${w}`])]);
/** Only these first characters can start a number (yaml.v3's resolve table). */
const NUMBER_START = /^[-+0-9.]/;
/** yaml.v3's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's strconv.ParseInt(s, 0, 64) syntax: sign, then a 0x/0o/0b prefix, a leading-0 octal, or decimal. */
const GO_INT = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|(0|[1-9][0-9]*))$/;
/**
 * A date, alone or followed by a time: yaml.v3 tries these as timestamps (2006-1-2, with a
 * T/t or space and a time). Wider than what Go's time.Parse takes, so a date-like string is
 * refused rather than guessed.
 */
const DATE_LIKE = /^\d{4}-\d{1,2}-\d{1,2}(?:$|[Tt \t])/;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Resolves a plain (unquoted, untagged) scalar's source text as yaml.v3 does. */
export function resolvePlainScalar(source: string): CliScalar {
  if (NULLS.has(source)) return { kind: "null" };
  if (TRUES.has(source)) return { kind: "bool", text: "true" };
  if (FALSES.has(source)) return { kind: "bool", text: "false" };
  if (NON_FINITE.has(source)) return { kind: "nonfinite" };
  if (!NUMBER_START.test(source)) return { kind: "string" };
  if (DATE_LIKE.test(source)) return { kind: "timestamp" };

  const plain = source.replaceAll("_", "");
  const int = goInt(plain);
  if (int !== undefined) return { kind: "int", text: int.toString() };
  if (YAML_FLOAT.test(plain)) {
    const value = Number(plain);
    // Go's ParseFloat fails on overflow; the scalar then stays a string.
    if (Number.isFinite(value)) return { kind: "float", text: goJsonFloat(value) };
  }
  return { kind: "string" };
}

/** strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64) (no sign) as yaml.v3 tries them. */
function goInt(text: string): bigint | undefined {
  const m = GO_INT.exec(text);
  if (!m) return undefined;
  const [, sign, hex, octal, binary, legacyOctal, decimal] = m;
  const magnitude =
    hex !== undefined
      ? BigInt(`0x${hex}`)
      : octal !== undefined
        ? BigInt(`0o${octal}`)
        : binary !== undefined
          ? BigInt(`0b${binary}`)
          : legacyOctal !== undefined
            ? BigInt(`0o${legacyOctal}`)
            : BigInt(decimal!);
  const value = sign === "-" ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  if (sign === "" && value <= UINT64_MAX) return value;
  return undefined;
}

/**
 * Go's encoding/json text of a float64: shortest round-trip digits, exponent form below 1e-6
 * and from 1e21 on. JavaScript's Number#toString uses the same digits and thresholds.
 */
export function goJsonFloat(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

/** Go's encoding/json text of a string (HTML-safe escapes, no \b or \f short forms). */
export function goJsonString(value: string): string {
  return JSON.stringify(value).replace(/\\.|[<>&\u2028\u2029]/g, (c) => {
    if (c === "\\b") return "\\u0008";
    if (c === "\\f") return "\\u000c";
    if (c.startsWith("\\")) return c;
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** Go sorts map keys by their UTF-8 bytes when it encodes JSON. */
export function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
