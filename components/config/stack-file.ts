/**
 * Reads the text of a `Pulumi.<stack>.yaml` and gives exactly what the Pulumi CLI hands the
 * program (see cli-yaml.ts): every value as text, maps and lists as Go's JSON, `secure:`
 * values as secrets. Where the CLI would refuse the file, silently ignore part of it, or pass
 * a value other than the one written (`0x10` as "16", `~` as ""), the file is refused here,
 * each problem with its line, the key, the value as written and what is allowed. The offline
 * render reads stack files with it, and the program runs it on its own stack file under
 * `pulumi preview`/`up`, so both refuse the same files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CliScalar, compareGoStrings, goJsonString, resolvePlainScalar } from "./cli-yaml";
import { CONFIG_NAMESPACE, ConfigError, ConfigProblem, RawConfig, SECRET_MARKER, UNSET_MARKER } from "./keys";

/** The top-level keys the CLI reads from a stack file, besides `config`. */
const SECRETS_SETTINGS = ["secretsprovider", "encryptedkey", "encryptionsalt"] as const;

/** The ciphertext prefix of the stack files' placeholder secrets. */
export const PLACEHOLDER_CIPHERTEXT_PREFIX = "v1:placeholder";

export interface StackFileConfig {
  /** Fully qualified key -> the text the program receives (secrets: {@link StackFileOptions.secretText}). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose value is (or contains) an encrypted `secure:` value. */
  readonly secretKeys: readonly string[];
  /** Keys whose encrypted value is still the placeholder of the checked-in stack files. */
  readonly placeholderSecrets: readonly string[];
  /** Fully qualified key -> where it is written, `Pulumi.dev.yaml:12`. */
  readonly where: Readonly<Record<string, string>>;
}

export interface StackFileOptions {
  /** The file name for messages, e.g. `Pulumi.dev.yaml`. */
  readonly file: string;
  /** What is allowed for a key of this project (`smartem:<name>`) and whether it is secret; undefined for keys it does not know. */
  readonly describe: (key: string) => { readonly allowed: string; readonly secret: boolean } | undefined;
  /** What the program sees for an encrypted value (it cannot be decrypted here). */
  readonly secretText: string;
}

const KEY_ALLOWED = `<namespace>:<name>, e.g. ${CONFIG_NAMESPACE}:apiReplicas`;
const CONFIG_ALLOWED = `a mapping of <namespace>:<name>: value lines, e.g. ${CONFIG_NAMESPACE}:apiReplicas: 2`;
const VALUE_ALLOWED =
  "a value the Pulumi CLI passes as written: text (quote it when in doubt), true, false, or a plain decimal number";
const NOT_CLI_TEXT = "quote it to pass the text as written";

/** The YAML parser names tokens by its own words; a reader knows them by their characters. */
const TOKENS: Readonly<Record<string, string>> = {
  "block-seq-ind": "'- ' (a list item)",
  "seq-item-ind": "'- ' (a list item)",
  "map-value-ind": "':'",
  "explicit-key-ind": "'?'",
  "flow-seq-start": "'['",
  "flow-seq-end": "']'",
  "flow-map-start": "'{'",
  "flow-map-end": "'}'",
  "doc-end": "'...'",
};
const plainWords = (message: string): string => message.replace(/\b[a-z]+(?:-[a-z]+)+\b/g, (token) => TOKENS[token] ?? token);

/** The file name of a stack's settings, e.g. `Pulumi.dev.yaml`. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

/** The stacks that have a `Pulumi.<stack>.yaml` in a project folder, sorted. */
export function stacksIn(projectDir: string): string[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s))
    .sort();
}

/** Reads `Pulumi.<stack>.yaml` of a project folder, or returns undefined when there is none. */
export function readStackFileIn(
  projectDir: string,
  stack: string,
  options: Omit<StackFileOptions, "file">,
): StackFileConfig | undefined {
  const file = path.join(projectDir, stackFileName(stack));
  if (!fs.existsSync(file)) return undefined;
  return readStackFileText(fs.readFileSync(file, "utf8"), { ...options, file: stackFileName(stack) });
}

/**
 * `parse()` (the config's values, judged after the file is read), with each refused value of a
 * key written in `file` given the line it is written on (`Pulumi.dev.yaml:12: smartem:apiReplicas
 * = ...`), as the file's form errors are. A problem of a nested value
 * (`smartem:apiResources.limits.cpu`) gets its key's line. A key not written there, or whose
 * value the program got from elsewhere (`pulumi up --config`, a secret), keeps none.
 */
export function locatingProblems<T>(file: StackFileConfig | undefined, received: RawConfig, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError) || file === undefined) throw error;
    const located = error.problems.map((p) => {
      const key = p.key.split(".")[0]!;
      const asWritten = Object.hasOwn(file.config, key) && file.config[key] === received[key];
      const where = p.where ?? (asWritten ? file.where[key] : undefined);
      return where === undefined ? p : { ...p, where };
    });
    throw new ConfigError(located, error.heading);
  }
}

// A render reads each stack file several times (its own, then every other for the ownership
// and promotion checks, then the caveats): each text is read once per way of reading it.
const readByOptions = new WeakMap<StackFileOptions["describe"], Map<string, StackFileConfig>>();
const READ_KEPT = 64;

/** Throws a {@link ConfigError} listing every problem of the file; returns what the CLI would pass otherwise. */
export function readStackFileText(text: string, options: StackFileOptions): StackFileConfig {
  let read = readByOptions.get(options.describe);
  if (read === undefined) readByOptions.set(options.describe, (read = new Map()));
  const key = JSON.stringify([options.file, options.secretText, text]);
  const known = read.get(key);
  if (known !== undefined) return known;
  const fresh = readStackFileTextNow(text, options);
  // Shared by every caller from now on: frozen, so that none can change what another reads.
  const config: StackFileConfig = Object.freeze({
    config: Object.freeze(fresh.config),
    secretKeys: Object.freeze(fresh.secretKeys),
    placeholderSecrets: Object.freeze(fresh.placeholderSecrets),
    where: Object.freeze(fresh.where),
  });
  if (read.size >= READ_KEPT) read.clear();
  read.set(key, config);
  return config;
}

function readStackFileTextNow(text: string, options: StackFileOptions): StackFileConfig {
  const lines = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const reader = new Reader(text, lines, options);
  const config = reader.read(Array.isArray(docs) ? docs : [docs]);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems, `Invalid stack file ${options.file}`);
  return config;
}

class Reader {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: YAML.LineCounter,
    private readonly options: StackFileOptions,
  ) {}

  read(docs: readonly YAML.Document.Parsed[]): StackFileConfig {
    const empty: StackFileConfig = { config: {}, secretKeys: [], placeholderSecrets: [], where: {} };
    for (const doc of docs) {
      for (const error of doc.errors) {
        const [line, col] = [error.linePos?.[0].line, error.linePos?.[0].col];
        this.problems.push({
          where: line === undefined ? this.options.file : `${this.options.file}:${line}:${col}`,
          key: "(YAML syntax)",
          value: JSON.stringify(this.excerpt(error.pos[0])),
          // The parser's own words, without its position (given in `where`) and code frame.
          message: `${plainWords(error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""))}; allowed: a YAML mapping, one key: value per line`,
        });
      }
    }
    if (this.problems.length > 0) return empty;
    if (docs.length > 1) {
      this.add(
        docs[1]!.range?.[0],
        "(document 2)",
        "---",
        "a second YAML document, which the Pulumi CLI ignores; allowed: one document per stack file",
      );
    }
    const root = docs[0]?.contents;
    if (root === undefined || root === null || (YAML.isScalar(root) && root.value === null)) {
      this.problems.push({
        where: this.options.file,
        key: "config",
        value: UNSET_MARKER,
        message: `no config: mapping; allowed: config: with ${CONFIG_ALLOWED}`,
      });
      return empty;
    }
    if (!YAML.isMap(root)) {
      this.add(
        root.range?.[0],
        "(top level)",
        this.written(root),
        "the Pulumi CLI refuses a stack file that is not a mapping; allowed: config: and the secrets settings",
      );
      return empty;
    }

    let config: YAML.Node | null | undefined;
    let sawConfig = false;
    for (const pair of root.items) {
      const key = this.keyText(pair.key);
      if (key === undefined) continue;
      if (key === "config") {
        sawConfig = true;
        config = pair.value as YAML.Node | null;
      } else if ((SECRETS_SETTINGS as readonly string[]).includes(key)) {
        this.checkValue(pair.value as YAML.Node | null, key, this.at(pair.key));
      } else {
        this.add(this.at(pair.key), key, this.written(pair.value as YAML.Node | null), this.topLevelMessage(key));
      }
    }
    if (!sawConfig || config === undefined || config === null || (YAML.isScalar(config) && config.value === null)) {
      this.problems.push({
        where: this.options.file,
        key: "config",
        value: sawConfig ? "(empty)" : UNSET_MARKER,
        message: `no config values; allowed: config: with ${CONFIG_ALLOWED}`,
      });
      return empty;
    }
    if (!YAML.isMap(config) || config.anchor !== undefined || config.tag !== undefined) {
      this.add(
        config.range?.[0],
        "config",
        this.written(config),
        `the Pulumi CLI refuses a config: that is not a mapping; allowed: ${CONFIG_ALLOWED}`,
      );
      return empty;
    }
    return this.readConfig(config);
  }

  private readConfig(config: YAML.YAMLMap): StackFileConfig {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholderSecrets: string[] = [];
    const where: Record<string, string> = {};
    for (const pair of config.items) {
      const key = this.keyText(pair.key);
      if (key === undefined) continue;
      const at = this.at(pair.key);
      where[key] = this.place(at);
      const value = pair.value as YAML.Node | null;
      if (!this.checkKey(key, value, at)) continue;
      const ciphertext = this.secureText(value);
      if (ciphertext !== undefined) {
        values[key] = this.options.secretText;
        secretKeys.push(key);
        if (ciphertext.startsWith(PLACEHOLDER_CIPHERTEXT_PREFIX)) placeholderSecrets.push(key);
        continue;
      }
      if (!this.checkValue(value, key, at)) continue;
      const secret = { found: false };
      values[key] = this.cliText(value!, secret);
      if (secret.found) secretKeys.push(key);
    }
    return { config: values, secretKeys, placeholderSecrets, where };
  }

  /** Key forms the CLI refuses, rewrites or that this project asks to write out in full. */
  private checkKey(key: string, value: YAML.Node | null, offset: number | undefined): boolean {
    const written = this.written(value);
    const colons = key.split(":").length - 1;
    if (colons === 0) {
      const message = YAML.isMap(value)
        ? `a map under a namespace, which the Pulumi CLI reads as the one key ${CONFIG_NAMESPACE}:${key}; allowed: one ${CONFIG_NAMESPACE}:<key>: value line per key`
        : `a key without a namespace; allowed: ${CONFIG_NAMESPACE}:${key} (keys are written ${KEY_ALLOWED})`;
      this.add(offset, key, written, message);
      return false;
    }
    const [namespace, middle, name] = key.split(":");
    if (colons === 2 && middle === "config" && namespace && name) {
      this.add(offset, key, written, `the old <namespace>:config:<name> form; allowed: ${namespace}:${name}`);
      return false;
    }
    if (colons > 1 || !namespace || !middle) {
      this.add(offset, key, written, `not a config key; allowed: ${KEY_ALLOWED}`);
      return false;
    }
    return true;
  }

  /**
   * Every node under a key: refuses what the CLI would pass differently from what is
   * written (see cli-yaml.ts), and YAML features that make a value depend on another place.
   */
  private checkValue(node: YAML.Node | null, key: string, keyOffset: number | undefined): boolean {
    const before = this.problems.length;
    const allowed = this.allowed(key);
    // A secret key's value is never echoed, not even when it is written in clear.
    const show = (n: YAML.Node | null): string => (this.options.describe(key)?.secret ? SECRET_MARKER : this.written(n));
    const visit = (n: YAML.Node | null, path: string, parentOffset: number | undefined): void => {
      if (n === null) {
        this.add(
          parentOffset,
          path,
          "(empty)",
          `no value, which the Pulumi CLI passes as an empty text; allowed: ${allowed}; remove the key to take its default`,
        );
        return;
      }
      const offset = n.range?.[0];
      if (YAML.isAlias(n)) {
        this.add(offset, path, show(n), `an alias to another value; allowed: the value written out (${allowed})`);
        return;
      }
      if (n.anchor !== undefined)
        this.add(
          offset,
          path,
          `&${n.anchor}`,
          `an anchor; allowed: the value written out without anchors and aliases (${allowed})`,
        );
      if (n.tag !== undefined) {
        this.add(offset, path, show(n), `an explicit YAML tag; allowed: the value written without a tag (${allowed})`);
        return;
      }
      if (YAML.isMap(n)) {
        for (const pair of n.items) {
          const name = this.keyText(pair.key);
          if (name === undefined) continue;
          if (name === "<<") {
            this.add(
              this.at(pair.key),
              `${path}.<<`,
              show(pair.value as YAML.Node | null),
              `a merge key; allowed: the map written out (${allowed})`,
            );
            continue;
          }
          if (name === "secure" && n.items.length === 1 && this.secureText(n) === undefined) {
            this.add(
              offset,
              path,
              show(n),
              `secure: holds the ciphertext as text; allowed: \`pulumi config set --secret ${key} <value>\``,
            );
            continue;
          }
          if (this.secureText(pair.value as YAML.Node | null) !== undefined) continue;
          visit(pair.value as YAML.Node | null, `${path}.${name}`, this.at(pair.key));
        }
        return;
      }
      if (YAML.isSeq(n)) {
        n.items.forEach((item, i) => visit(item as YAML.Node | null, `${path}.${i}`, offset));
        return;
      }
      if (YAML.isScalar(n)) this.checkScalar(n, path, allowed, show(n));
    };
    visit(node, key, keyOffset);
    return this.problems.length === before;
  }

  private checkScalar(n: YAML.Scalar, path: string, allowed: string, shown: string): void {
    if (n.type !== "PLAIN") return; // quoted and block scalars are text, passed as they are
    const source = String(n.source);
    const resolved = resolvePlainScalar(source);
    const at = n.range?.[0];
    switch (resolved.kind) {
      case "string":
        return;
      case "null":
        this.add(
          at,
          path,
          shown || "(empty)",
          `${source ? "a YAML null" : "no value"}, which the Pulumi CLI passes as an empty text; allowed: ${allowed}; remove the key to take its default`,
        );
        return;
      case "nonfinite":
        this.add(at, path, shown, `not a finite number: the Pulumi CLI refuses the file; allowed: ${allowed}`);
        return;
      case "timestamp":
        this.add(
          at,
          path,
          shown,
          `a YAML date, which the Pulumi CLI passes as Go's date text (e.g. "2024-01-02 00:00:00 +0000 UTC"); allowed: ${allowed}; ${NOT_CLI_TEXT}`,
        );
        return;
      default:
        if (resolved.text !== source) {
          const passes = shown === SECRET_MARKER ? "another text" : JSON.stringify(resolved.text);
          this.add(
            at,
            path,
            shown,
            `the Pulumi CLI passes this as ${passes}, not as written; allowed: ${allowed}; write ${passes} if that is meant, or ${NOT_CLI_TEXT}`,
          );
        }
    }
  }

  /** The text the CLI gives the program for a checked value (Go's JSON for maps and lists). */
  private cliText(node: YAML.Node, secret: { found: boolean }): string {
    if (YAML.isScalar(node)) return this.scalarText(node, false);
    return this.json(node, secret);
  }

  private json(node: YAML.Node, secret: { found: boolean }): string {
    if (YAML.isMap(node)) {
      const ciphertext = this.secureText(node);
      if (ciphertext !== undefined) {
        secret.found = true;
        return goJsonString(this.options.secretText);
      }
      const entries = node.items.map((pair) => [this.keyText(pair.key)!, this.json(pair.value as YAML.Node, secret)] as const);
      entries.sort(([a], [b]) => compareGoStrings(a, b));
      return `{${entries.map(([k, v]) => `${goJsonString(k)}:${v}`).join(",")}}`;
    }
    if (YAML.isSeq(node)) return `[${node.items.map((item) => this.json(item as YAML.Node, secret)).join(",")}]`;
    return this.scalarText(node as YAML.Scalar, true);
  }

  /** A checked scalar: plain non-strings are written exactly as the CLI's text. */
  private scalarText(n: YAML.Scalar, json: boolean): string {
    const plain = n.type === "PLAIN" ? resolvePlainScalar(String(n.source)) : ({ kind: "string" } as CliScalar);
    if (plain.kind !== "string") return String(n.source);
    const text = n.type === "PLAIN" ? String(n.source) : String(n.value);
    return json ? goJsonString(text) : text;
  }

  /** The ciphertext of a `{secure: <text>}` value, as the CLI recognises one. */
  private secureText(node: YAML.Node | null | undefined): string | undefined {
    if (!YAML.isMap(node) || node.items.length !== 1) return undefined;
    const [pair] = node.items;
    if (this.keyText(pair!.key, false) !== "secure" || !YAML.isScalar(pair!.value)) return undefined;
    const value = pair!.value;
    const text = value.type === "PLAIN" ? resolvePlainScalar(String(value.source)) : undefined;
    if (text !== undefined && text.kind !== "string") return undefined;
    return String(value.type === "PLAIN" ? value.source : value.value);
  }

  /** A mapping key's text; refuses keys that are not plain text (the CLI refuses or rewrites them). */
  private keyText(key: unknown, report = true): string | undefined {
    if (YAML.isScalar(key) && key.tag === undefined && key.anchor === undefined) {
      const source = String(key.source);
      if (key.type !== "PLAIN") return String(key.value);
      if (resolvePlainScalar(source).kind === "string") return source;
    }
    if (report) {
      const node = key as YAML.Node | null;
      this.add(
        node?.range?.[0],
        "(key)",
        this.written(node) || "(empty)",
        "a key that is not plain text; allowed: keys written as text, e.g. smartem:apiReplicas or teams",
      );
    }
    return undefined;
  }

  private topLevelMessage(key: string): string {
    if (key === "environment") {
      return "Pulumi ESC environments are not read by the offline render, so render and preview would differ; allowed: every value under config:";
    }
    const looksLikeConfig = key.includes(":") || this.options.describe(`${CONFIG_NAMESPACE}:${key}`) !== undefined;
    return looksLikeConfig
      ? `a config key outside config:, which the Pulumi CLI ignores; allowed: the key indented under config:${key.includes(":") ? "" : ` as ${CONFIG_NAMESPACE}:${key}`}`
      : `a top-level key the Pulumi CLI ignores; allowed: config, ${SECRETS_SETTINGS.join(", ")}`;
  }

  private allowed(key: string): string {
    return this.options.describe(key)?.allowed ?? VALUE_ALLOWED;
  }

  private add(offset: number | undefined, key: string, value: string, message: string): void {
    this.problems.push({ where: this.place(offset), key, value, message });
  }

  /** `Pulumi.dev.yaml:12` for an offset in the text, the file alone without one. */
  private place(offset: number | undefined): string {
    return offset === undefined ? this.options.file : `${this.options.file}:${this.lines.linePos(offset).line}`;
  }

  private at(node: unknown): number | undefined {
    return (node as YAML.Node | null)?.range?.[0];
  }

  /** The node's text as written in the file, with its tag (first line of it for long values). */
  private written(node: YAML.Node | null | undefined): string {
    if (!node?.range) return "";
    const [from, end] = node.range;
    // The node's range leaves out an explicit tag written before it.
    const tag = node.tag === undefined ? null : /![^\s]*[ \t]*$/.exec(this.text.slice(0, from));
    const start = tag ? tag.index : from;
    const text = this.text.slice(start, end).trim();
    const firstLine = text.split("\n")[0]!;
    return firstLine === text ? text : `${firstLine} ...`;
  }

  private excerpt(offset: number): string {
    return this.text.slice(offset).split("\n")[0]!.slice(0, 40);
  }
}
