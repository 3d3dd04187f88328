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

/** Returns `text` with `config.<key>` set to the string `value`; the key must already exist. */
export function setConfigValue(text: string, key: string, value: string): string {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new StackFileEditError(`the stack file is not valid YAML: ${doc.errors[0]?.message}`);
  const node = doc.getIn(["config", key], true);
  if (!YAML.isScalar(node) || !node.range) {
    throw new StackFileEditError(`config.${key} is not set to a plain value in the stack file; add "  ${key}: <value>" under config: first`);
  }
  const source = scalarSource(node, value, key);
  const edited = text.slice(0, node.range[0]) + source + text.slice(node.range[1]);

  // The splice must change exactly this one value.
  const expected = doc.toJS() as { config: Record<string, unknown> };
  expected.config[key] = value;
  if (!isDeepStrictEqual(YAML.parse(edited), expected)) {
    throw new StackFileEditError(`could not rewrite config.${key} in place; edit it by hand`);
  }
  return edited;
}

/** The new value in the node's own quoting style. */
function scalarSource(node: YAML.Scalar, value: string, key: string): string {
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
      throw new StackFileEditError(`config.${key} is a ${node.type} scalar; write it on one line (${key}: <value>) first`);
  }
}
