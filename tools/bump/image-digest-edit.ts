/**
 * Records one version's image digest in `smartem:backendImageDigests` of a
 * `Pulumi.<stack>.yaml` text, touching nothing else: the digest of another version, every
 * comment and the layout stay byte-for-byte (the same splice-and-check as stack-file-edit.ts).
 * A missing map is added right after `smartem:backendVersion`, so the two read together.
 */
import { isDeepStrictEqual } from "node:util";
import * as YAML from "yaml";
import { KEY } from "../../components/program-config";
import { StackFileEditError } from "./stack-file-edit";

const IMAGE_DIGESTS_KEY = KEY.backendImageDigests;

/** The text after the end of the line where `offset` is (and the newline it needs, if any). */
function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

function insertAt(text: string, offset: number, lines: string): string {
  const before = text.slice(0, offset);
  return (before === "" || before.endsWith("\n") ? before : `${before}\n`) + lines + text.slice(offset);
}

/** The string a map key stands for (`"0.1.0"`, `0.1.0` and `'0.1.0'` alike). */
function keyText(pair: YAML.Pair): string | undefined {
  return YAML.isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/**
 * Returns `text` with `config.<IMAGE_DIGESTS_KEY>.<version>` set to `digest`.
 * `anchorKey` (the version key) says where a missing map goes.
 */
export function setImageDigest(text: string, version: string, digest: string, anchorKey: string): string {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new StackFileEditError(`the stack file is not valid YAML: ${doc.errors[0]?.message}`);
  const config = doc.get("config", true);
  if (!YAML.isMap(config)) throw new StackFileEditError("the stack file has no config: map");
  // Versions are always written quoted: YAML reads an unquoted 1.0 as the number 1.
  const entry = `${JSON.stringify(version)}: ${digest}`;
  const digests = config.get(IMAGE_DIGESTS_KEY, true);
  let edited: string;

  if (digests === undefined) {
    const anchor = config.items.find((pair) => keyText(pair) === anchorKey);
    const anchorKeyNode = anchor?.key as YAML.Scalar | undefined;
    const anchorValue = anchor?.value as YAML.Node | undefined;
    if (!anchorKeyNode?.range || !anchorValue?.range)
      throw new StackFileEditError(`config.${anchorKey} is not in the stack file`);
    const indent = " ".repeat(columnOf(text, anchorKeyNode.range[0]));
    edited = insertAt(text, lineEnd(text, anchorValue.range[1]), `${indent}${IMAGE_DIGESTS_KEY}:\n${indent}  ${entry}\n`);
  } else if (YAML.isMap(digests) && !digests.flow && digests.items.length > 0) {
    const existing = digests.items.find((pair) => keyText(pair) === version);
    const value = existing?.value;
    if (existing && YAML.isScalar(value) && value.range) {
      edited = text.slice(0, value.range[0]) + digest + text.slice(value.range[1]);
    } else {
      const first = digests.items[0]!.key as YAML.Node;
      const last = digests.items[digests.items.length - 1]!;
      const lastEnd = ((last.value ?? last.key) as YAML.Node).range![1];
      edited = insertAt(text, lineEnd(text, lastEnd), `${" ".repeat(columnOf(text, first.range![0]))}${entry}\n`);
    }
  } else if (YAML.isMap(digests) && digests.range) {
    // A flow map (`{ "0.1.0": sha256:... }` or `{}`): written again as a flow map with the entry set.
    const entries = new Map(
      digests.items.map((pair) => [keyText(pair) ?? "", String((pair.value as YAML.Scalar | null)?.value)]),
    );
    entries.set(version, digest);
    const flow = `{ ${[...entries].map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")} }`;
    edited = text.slice(0, digests.range[0]) + flow + text.slice(digests.range[1]);
  } else {
    throw new StackFileEditError(
      `config.${IMAGE_DIGESTS_KEY} is not a YAML map in the stack file; write it as "${IMAGE_DIGESTS_KEY}:" with one "<version>: <digest>" line under it`,
    );
  }

  // The splice must change exactly this one entry.
  const expected = doc.toJS() as { config: Record<string, unknown> };
  const before = expected.config[IMAGE_DIGESTS_KEY];
  expected.config[IMAGE_DIGESTS_KEY] = { ...(before && typeof before === "object" ? before : {}), [version]: digest };
  // A splice that broke the YAML (e.g. a digest written as a block scalar) is refused the same way.
  const reparsed = YAML.parseDocument(edited);
  if (reparsed.errors.length > 0 || !isDeepStrictEqual(reparsed.toJS(), expected)) {
    throw new StackFileEditError(`could not record ${version}'s digest in config.${IMAGE_DIGESTS_KEY} in place; edit it by hand`);
  }
  return edited;
}
