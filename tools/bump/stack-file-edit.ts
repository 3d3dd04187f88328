/**
 * Changes one config value of a `Pulumi.<stack>.yaml` text and nothing else: comments,
 * blank lines, key order, quoting and the layout of every other value stay byte-for-byte.
 *
 * The yaml Document API finds the value's node and its source range; the new scalar is
 * spliced into the original text there. (`doc.toString()` would re-emit the whole file
 * and reformat flow collections, folded scalars and comment spacing elsewhere.)
 */
import { isDeepStrictEqual } from "node:util";
import * as YAML from "yaml";

export class StackFileEditError extends Error {}

/** Parser messages that name the parser's own API rather than the reader's mistake. */
const PLAIN_REASONS: Readonly<Partial<Record<YAML.ErrorCode, string>>> = {
  MULTIPLE_DOCS: "a second YAML document starts here (---); a stack file is one document",
};

/**
 * `Pulumi.staging.yaml line 3: Map keys must be unique`: a YAML error as a reader needs it,
 * without the parser's code frame, error class or error code.
 */
export function yamlProblem(fileName: string, error: YAML.YAMLError): string {
  const line = error.linePos?.[0]?.line;
  const reason = PLAIN_REASONS[error.code] ?? error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  return `${fileName}${line === undefined ? "" : ` line ${line}`}: ${reason}`;
}

/**
 * Returns `text` with `config.<key>` set to the string `value`; the key must already exist.
 * `fileName` names the file in messages.
 */
export function setConfigValue(text: string, key: string, value: string, fileName = "the stack file"): string {
  const doc = YAML.parseDocument(text);
  const [error] = doc.errors;
  if (error) throw new StackFileEditError(`${yamlProblem(fileName, error)}; fix the YAML first`);
  const node = doc.getIn(["config", key], true);
  if (!YAML.isScalar(node) || !node.range) {
    throw new StackFileEditError(
      `config.${key} is not set to a plain value in ${fileName}; add "  ${key}: <value>" under config: first`,
    );
  }
  const source = scalarSource(node, value, key, fileName);
  const edited = text.slice(0, node.range[0]) + source + text.slice(node.range[1]);

  // The splice must change exactly this one value.
  const expected = doc.toJS() as { config: Record<string, unknown> };
  expected.config[key] = value;
  if (!isDeepStrictEqual(YAML.parse(edited), expected)) {
    throw new StackFileEditError(`could not rewrite config.${key} in ${fileName} in place; edit it by hand`);
  }
  return edited;
}

/** How a reader knows each block style, for messages. */
const BLOCK_STYLES: Readonly<Record<string, string>> = {
  [YAML.Scalar.BLOCK_FOLDED]: "a folded block (>)",
  [YAML.Scalar.BLOCK_LITERAL]: "a literal block (|)",
};

/** The new value in the node's own quoting style. */
function scalarSource(node: YAML.Scalar, value: string, key: string, fileName: string): string {
  switch (node.type) {
    case YAML.Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case YAML.Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case YAML.Scalar.PLAIN:
    case undefined:
      // A plain scalar that YAML would read as something other than this string gets quotes.
      return YAML.parse(value) === value && !/[#:\n]/.test(value) ? value : JSON.stringify(value);
    default:
      throw new StackFileEditError(
        `config.${key} in ${fileName} is written as ${BLOCK_STYLES[node.type] ?? "a multi-line value"}; write it on one line (${key}: <value>) first`,
      );
  }
}
