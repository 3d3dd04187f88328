/**
 * The command line of every script under scripts/: `--help`/`-h` prints the usage and exits 0,
 * an unknown flag, a flag without its value or a stray argument is refused naming it (exit 2),
 * and any error prints its message without a JavaScript stack trace (exit 1).
 *
 * node:util parseArgs reads the flags; it runs non-strict with tokens so that the refusals
 * name the flag as typed, in our words, rather than parseArgs's.
 */
import { parseArgs } from "node:util";

/** A flag of a script: a string value, or a switch. */
export interface CliOption {
  readonly type: "string" | "boolean";
  /** The value's placeholder and meaning, one line of the usage. */
  readonly help: string;
}

export interface CliSpec<O extends Readonly<Record<string, CliOption>>> {
  /** How the user runs it, e.g. `npm run render --`. */
  readonly command: string;
  /** What the script does, a few lines under the usage line. */
  readonly summary: string;
  readonly options: O;
  /** The flags without which the script cannot run. @default none */
  readonly required?: readonly (keyof O & string)[];
}

export type CliValues<O extends Readonly<Record<string, CliOption>>> = {
  readonly [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean;
};

/** A mistake on the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {}

/** The `--help` text of a spec. */
export function usage<O extends Readonly<Record<string, CliOption>>>(spec: CliSpec<O>): string {
  const required = new Set<string>(spec.required ?? []);
  const flag = (name: string, option: CliOption): string => (option.type === "string" ? `--${name} <${name}>` : `--${name}`);
  const synopsis = Object.entries(spec.options).map(([name, option]) =>
    required.has(name) ? flag(name, option) : `[${flag(name, option)}]`,
  );
  const rows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [flag(name, option), option.help]),
    ["-h, --help", "print this help and exit"],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    // `npm run x --` passes flags on; with no flag to pass, `npm run x` is the whole command.
    `usage: ${synopsis.length > 0 ? [spec.command, ...synopsis].join(" ") : spec.command.replace(/ --$/, "")}`,
    "",
    spec.summary,
    "",
    "options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    "",
  ].join("\n");
}

/**
 * The flags of `args`, or `"help"` when `--help`/`-h` was given (it wins over every other
 * flag, as in most tools). Throws {@link UsageError} naming what is wrong.
 */
export function parseCli<O extends Readonly<Record<string, CliOption>>>(
  spec: CliSpec<O>,
  args: readonly string[],
): CliValues<O> | "help" {
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, { type: option.type }]));
  const { tokens } = parseArgs({
    args: [...args],
    options: { ...options, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
  const values: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === "positional") throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
    if (token.kind !== "option") continue;
    if (!Object.hasOwn(spec.options, token.name)) throw new UsageError(`unknown flag ${token.rawName}`);
    const option = spec.options[token.name];
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value (got ${JSON.stringify(token.value)})`);
      values[token.name] = true;
      continue;
    }
    // `--stack --out x` would otherwise read "--out" as the stack name.
    if (token.value === undefined || (!token.inlineValue && /^-./.test(token.value))) {
      throw new UsageError(
        `${token.rawName} needs a value${token.value === undefined ? "" : ` (got the flag ${token.value}; write ${token.rawName}=${token.value} if you mean it)`}`,
      );
    }
    if (token.name in values) throw new UsageError(`${token.rawName} is given twice`);
    values[token.name] = token.value;
  }
  const missing = (spec.required ?? []).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(" and ")}`);
  return values as CliValues<O>;
}

/** A script: its name (the prefix of its errors, `render failed: ...`), command line and body. */
export interface Script<O extends Readonly<Record<string, CliOption>>> {
  readonly name: string;
  readonly spec: CliSpec<O>;
  /** The body, given the parsed flags; returns the exit code. @default exit code 0 */
  readonly main: (values: CliValues<O>) => Promise<number | void> | number | void;
}

/** A script, its flags' types inferred from its spec (for scripts defined apart from their entry point). */
export function defineScript<O extends Readonly<Record<string, CliOption>>>(script: Script<O>): Script<O> {
  return script;
}

/**
 * What a script does with `args`, short of exiting: prints the usage after `--help` (0), a usage
 * mistake (2), or runs `main` (its own code, 0 when it returns nothing, 1 when it throws, the
 * error printed as its message alone). Returns the exit code. Tests call it in-process.
 */
export async function executeScript<O extends Readonly<Record<string, CliOption>>>(
  { name, spec, main }: Script<O>,
  args: readonly string[],
): Promise<number> {
  let parsed: CliValues<O> | "help";
  try {
    parsed = parseCli(spec, args);
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}; see ${spec.command} --help`);
    return 2;
  }
  if (parsed === "help") {
    // console.log, as everything a script prints, so that an in-process run captures it too.
    console.log(usage(spec).replace(/\n$/, ""));
    return 0;
  }
  try {
    return (await main(parsed)) ?? 0;
  } catch (error) {
    console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Runs a script with this process's arguments and exits with its code ({@link executeScript}). */
export function runScript<O extends Readonly<Record<string, CliOption>>>(script: Script<O>): void {
  void executeScript(script, process.argv.slice(2)).then((code) => process.exit(code));
}
