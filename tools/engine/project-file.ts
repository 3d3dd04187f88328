/**
 * Pulumi.yaml, generated from the config schema so that the CLI applies the same types and
 * defaults the program does. Two Pulumi rules shape it:
 * - typed declarations are accepted only for keys of the project's own namespace, so the
 *   project is named after its config namespace (`smartem:`);
 * - every declared key without a default is required by the CLI, so an optional key without
 *   a default is not declared at all (the program still validates it when it is set).
 */
import * as YAML from "yaml";
import { ConfigKey, ConfigSchema, defaultOf } from "../../components/config/keys";
import { PROJECT } from "../../components/shared/project";

interface Declaration {
  type?: "string" | "integer" | "boolean" | "array";
  items?: { type: "string" | "integer" | "boolean" };
  description: string;
  default?: unknown;
}

/** Required: unset is an error. Defaulted: unset takes the default. Optional: unset stays unset. */
export function presenceOf(spec: ConfigKey): "required" | "defaulted" | "optional" {
  const result = spec.schema.safeParse(undefined);
  if (!result.success) return "required";
  return result.data === undefined ? "optional" : "defaulted";
}

const SCALAR_TYPES = { string: "string", number: "integer", boolean: "boolean" } as const;

function declare(spec: ConfigKey): Declaration {
  const declaration: Declaration = { description: spec.description };
  const fallback = defaultOf(spec);
  if (spec.type === "string" || spec.type === "integer" || spec.type === "boolean") {
    declaration.type = spec.type;
  } else if (spec.type === "array" && Array.isArray(fallback) && fallback.length > 0) {
    const kinds = new Set(fallback.map((v) => typeof v));
    const only = kinds.size === 1 ? [...kinds][0] : undefined;
    if (only === "string" || only === "number" || only === "boolean") {
      declaration.type = "array";
      declaration.items = { type: SCALAR_TYPES[only] };
    }
  }
  // Objects and lists of objects cannot be typed in Pulumi.yaml; their default is still given.
  if (fallback !== undefined) declaration.default = fallback;
  return declaration;
}

export function projectFile(schema: ConfigSchema): string {
  const names = Object.keys(schema).sort();
  const optional = names.filter((name) => presenceOf(schema[name]) === "optional");
  const secrets = names.filter((name) => schema[name].secret);
  const header = [
    "# Generated from the config schema (components/program-config.ts) by `npm run golden`; do not edit.",
    "# Named after its config namespace: Pulumi types config only in the project's own namespace.",
    "# Optional keys without a default are not declared here (Pulumi requires every declared key",
    "# without a default); the program validates them when they are set:",
    ...wrap(optional).map((line) => `#   ${line}`),
    `# Secret keys, refused by the program unless set with \`pulumi config set --secret\`: ${secrets.join(", ")}`,
  ];
  const config = Object.fromEntries(
    names.filter((name) => !optional.includes(name)).map((name) => [name, declare(schema[name])]),
  );
  const doc = {
    name: PROJECT,
    description: "smartem-release-infra: the release infrastructure of SmartEM Decisions, as code",
    runtime: { name: "nodejs", options: { typescript: true, packagemanager: "npm" } },
    config,
  };
  return `${header.join("\n")}\n${YAML.stringify(doc, { lineWidth: 0 })}`;
}

/** A comma-separated list broken into lines of at most `width` characters. */
function wrap(words: readonly string[], width = 86): string[] {
  const lines: string[] = [];
  words.forEach((word, i) => {
    const item = i < words.length - 1 ? `${word},` : word;
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + item.length + 1 <= width) lines[last] += ` ${item}`;
    else lines.push(item);
  });
  return lines;
}
