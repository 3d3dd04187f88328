/**
 * The stack-config machinery: every `smartem:` key is declared once with a zod
 * schema, a description and (through the schema) its default. The Pulumi.yaml
 * config block, the configuration reference (docs/reference/configuration.md) and the
 * validation all come from these declarations.
 */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { PROJECT } from "../shared/project";

/** The config namespace of this project: Pulumi's is the project name. */
export const CONFIG_NAMESPACE = PROJECT;

/** A fully qualified key, `smartem:<name>`. */
export type QualifiedKey<N extends string = string> = `${typeof CONFIG_NAMESPACE}:${N}`;

/** The one way a key is spelled: `smartem:<name>`. */
function qualify<N extends string>(name: N): QualifiedKey<N> {
  return `${CONFIG_NAMESPACE}:${name}`;
}

/**
 * The fully qualified keys of a schema by name (`KEYS.backendVersion` is
 * `smartem:backendVersion`): typed by the schema, so a key no schema declares does not compile.
 */
export function configKeys<T extends ConfigSchema>(schema: T): { readonly [K in keyof T & string]: QualifiedKey<K> } {
  return Object.freeze(Object.fromEntries(Object.keys(schema).map((name) => [name, qualify(name)]))) as {
    readonly [K in keyof T & string]: QualifiedKey<K>;
  };
}

/** The name of a fully qualified key of this namespace (`smartem:apiReplicas` gives `apiReplicas`), or undefined. */
export function keyName(fullKey: string): string | undefined {
  const prefix = qualify("");
  return fullKey.startsWith(prefix) ? fullKey.slice(prefix.length) : undefined;
}

/** How a problem shows a value that is not set. */
export const UNSET_MARKER = "(unset)";
/** How a secret value is shown wherever it leaves the program: config problems, the render. */
export const SECRET_MARKER = "[secret]";

/** How Pulumi passes a value in: scalars as text, structured values as JSON text. */
export type PulumiConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKey<S extends z.ZodType = z.ZodType> {
  /** Validates and defaults the decoded value. */
  readonly schema: S;
  /** One sentence for Pulumi.yaml and the configuration reference. */
  readonly description: string;
  /** What is allowed, in words; every error for this key ends with it. */
  readonly allowed: string;
  /** How Pulumi passes the value in, read from the schema by {@link key}. */
  readonly type: PulumiConfigType;
  /** Secret keys are read as secrets and never printed. */
  readonly secret?: boolean;
}

/** The Pulumi type of what a schema accepts, through optional, default and transforms. */
function pulumiTypeOf(schema: z.ZodType): PulumiConfigType {
  const def = schema.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (def.innerType) return pulumiTypeOf(def.innerType);
  if (def.type === "pipe" && def.in) return pulumiTypeOf(def.in);
  switch (def.type) {
    case "string":
    case "enum":
      return "string";
    // Pulumi config has no fractions: every number of this schema is a whole one.
    case "number":
      return "integer";
    case "boolean":
      return "boolean";
    case "array":
      return "array";
    case "object":
    case "record":
      return "object";
  }
  throw new Error(
    `a config schema of kind ${def.type} has no Pulumi config type; declare it as one of ${["string", "integer", "boolean", "array", "object"].join(", ")}`,
  );
}

/** Declares a key; the generic keeps the schema's output type for {@link ConfigValues}. */
export function key<S extends z.ZodType>(spec: Omit<ConfigKey<S>, "type">): ConfigKey<S> {
  return { ...spec, type: pulumiTypeOf(spec.schema) };
}

export type ConfigSchema = Readonly<Record<string, ConfigKey>>;

/** The typed, defaulted values of a schema. */
export type ConfigValues<T extends ConfigSchema> = { readonly [K in keyof T]: z.output<T[K]["schema"]> };

/** One problem with one key. */
export interface ConfigProblem {
  /** Fully qualified, e.g. `smartem:apiReplicas` or `smartem:apiResources.limits.cpu`. */
  readonly key: string;
  /** The offending value as written (redacted for secret keys), or `(unset)`. */
  readonly value: string;
  readonly message: string;
  /** Where it is written, when known: `Pulumi.dev.yaml:12`. */
  readonly where?: string;
}

/** `[where: ]key = value: message`: how every config problem is printed. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.where ? `${p.where}: ` : ""}${p.key} = ${p.value}: ${p.message}`;
}

/** The known key a typo most likely meant: at most two edits away, or a fifth of its length, ignoring case. */
function nearestKey(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const lowered = known.map((k) => k.toLowerCase());
  const candidate = closest(lower, lowered);
  return distance(lower, candidate) <= Math.max(2, Math.floor(name.length / 5)) ? known[lowered.indexOf(candidate)] : undefined;
}

/** All problems of a stack's config at once, so one run shows every mistake. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly heading = "Invalid stack configuration",
  ) {
    super(`${heading}:\n` + problems.map((p) => `  - ${formatProblem(p)}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Raw stack config as Pulumi hands it to a program: fully qualified key -> text. */
export type RawConfig = Readonly<Record<string, string>>;

function decode(type: PulumiConfigType, text: string): unknown {
  switch (type) {
    case "string":
      return text;
    case "integer": {
      // Beyond 2^53 a number would be rounded: keep the text, so the error shows it as written.
      const number = /^-?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(number) ? number : text;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "array":
    case "object":
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

function show(value: unknown): string {
  return value === undefined ? UNSET_MARKER : JSON.stringify(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = root;
  for (const step of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

/** The final step of a parse: the typed view of values whose rules across keys hold, or every rule they break. */
export type Refined<R> = { readonly config: R } | { readonly problems: readonly ConfigProblem[] };

/** The problems of a refinement ([] when it holds). */
export function problemsOf(refined: Refined<unknown>): readonly ConfigProblem[] {
  return "problems" in refined ? refined.problems : [];
}

/**
 * Reads every key of `schema` from `raw` (the whole stack config), applies defaults,
 * and rejects unknown keys of this namespace (typos). Throws one {@link ConfigError}
 * naming each key, its value and what is allowed; returns a frozen object otherwise,
 * as `refine` (the rules across keys, run once every key parsed) types it.
 */
export function parseConfig<T extends ConfigSchema>(schema: T, raw: RawConfig, secretKeys?: ReadonlySet<string>): ConfigValues<T>;
export function parseConfig<T extends ConfigSchema, R>(
  schema: T,
  raw: RawConfig,
  secretKeys: ReadonlySet<string> | undefined,
  refine: (values: ConfigValues<T>) => Refined<R>,
): R;
export function parseConfig<T extends ConfigSchema, R>(
  schema: T,
  raw: RawConfig,
  /** Keys whose values are encrypted in the stack file; when given, a secret key set in clear is refused. */
  secretKeys?: ReadonlySet<string>,
  refine?: (values: ConfigValues<T>) => Refined<R>,
): ConfigValues<T> | R {
  const problems: ConfigProblem[] = [];

  for (const [name, spec] of Object.entries(schema)) {
    const fullKey = qualify(name);
    if (spec.secret && secretKeys && raw[fullKey] !== undefined && !secretKeys.has(fullKey)) {
      problems.push({
        key: fullKey,
        value: SECRET_MARKER,
        message: `stored in clear in the stack file; allowed: an encrypted value, \`pulumi config set --secret ${fullKey} <value>\``,
      });
    }
  }

  for (const fullKey of Object.keys(raw).sort()) {
    const name = keyName(fullKey);
    if (name !== undefined && !Object.hasOwn(schema, name)) {
      const known = Object.keys(schema).sort();
      const value = secretKeys?.has(fullKey) ? SECRET_MARKER : show(raw[fullKey]);
      const near = nearestKey(name, known);
      problems.push({
        key: fullKey,
        value,
        message: `unknown key${near ? ` (did you mean ${qualify(near)}?)` : ""}; allowed: one of the keys of ${qualify("")}, which are: ${known.join(", ")}`,
      });
    }
  }

  const parsed = parseEachKey(schema, raw, secretKeys);
  problems.push(...parsed.problems);

  if (problems.length > 0) throw new ConfigError(problems);
  const values = deepFreeze(parsed.values) as ConfigValues<T>;
  if (!refine) return values;
  const refined = refine(values);
  if ("problems" in refined) throw new ConfigError(refined.problems);
  return deepFreeze(refined.config);
}

/**
 * Reads only the keys of `schema` (other keys are not looked at), e.g. what another stack's
 * file says about the repositories it manages. Throws a {@link ConfigError} for a bad value.
 */
export function parseKeys<T extends ConfigSchema>(schema: T, raw: RawConfig): ConfigValues<T> {
  const { problems, values } = parseEachKey(schema, raw);
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(values) as ConfigValues<T>;
}

function parseEachKey(
  schema: ConfigSchema,
  raw: RawConfig,
  secretKeys?: ReadonlySet<string>,
): { problems: ConfigProblem[]; values: Record<string, unknown> } {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const fullKey = qualify(name);
    const text = raw[fullKey];
    const input = text === undefined ? undefined : decode(spec.type, text);
    const result = spec.schema.safeParse(input);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const path = issue.path.length > 0 ? `.${issue.path.map(String).join(".")}` : "";
      // A bad map key: show the key itself and why zod refused it.
      const badKey = issue.code === "invalid_key";
      const offending = badKey ? issue.path.at(-1) : valueAt(input, issue.path);
      const why = badKey ? `${issue.message}: ${issue.issues.map((inner) => inner.message).join("; ")}` : issue.message;
      problems.push({
        key: fullKey + path,
        // Secret by declaration, or because it was set with --secret: never echoed.
        value: (spec.secret || secretKeys?.has(fullKey)) && offending !== undefined ? SECRET_MARKER : show(offending),
        message: `${why}; allowed: ${spec.allowed}`,
      });
    }
  }
  return { problems, values };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The default of a key (what an unset key becomes), or undefined when it has none. */
export function defaultOf(spec: ConfigKey): unknown {
  const result = spec.schema.safeParse(undefined);
  return result.success ? result.data : undefined;
}
