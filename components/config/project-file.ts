/**
 * Pulumi.yaml, generated from the config schema so that the CLI validates the same keys,
 * types and defaults the program does. The project is named after the config namespace
 * because Pulumi only accepts typed config declarations for keys of the project's own
 * namespace (`smartem:`).
 */
import * as YAML from "yaml";
import { CONFIG_NAMESPACE, ConfigSchema, defaultOf } from "./keys";

const HEADER = [
  "# Generated from components/config (the config schema) by `npm run golden`; do not edit.",
  "# The project is named after its config namespace: Pulumi accepts typed config only for",
  "# keys of the project's own namespace, and every key of this program is `smartem:<key>`.",
].join("\n");

interface Declaration {
  type?: "string" | "integer" | "boolean" | "array";
  items?: { type: "string" | "integer" | "boolean" };
  description: string;
  secret?: boolean;
  default?: unknown;
}

function declare(spec: ConfigSchema[string]): Declaration {
  const declaration: Declaration = { description: spec.description };
  const fallback = defaultOf(spec);
  const scalar = spec.type === "string" || spec.type === "integer" || spec.type === "boolean";
  const arrayOfScalars =
    spec.type === "array" && Array.isArray(fallback) && fallback.every((v) => ["string", "number", "boolean"].includes(typeof v));
  if (scalar) declaration.type = spec.type as Declaration["type"];
  if (arrayOfScalars) {
    declaration.type = "array";
    const first = (fallback as unknown[])[0];
    declaration.items = { type: typeof first === "number" ? "integer" : typeof first === "boolean" ? "boolean" : "string" };
  }
  if (spec.secret) declaration.secret = true;
  // Objects and lists of objects cannot be typed in Pulumi.yaml: the program validates them.
  if ((scalar || arrayOfScalars) && fallback !== undefined) declaration.default = fallback;
  return declaration;
}

export function projectFile(schema: ConfigSchema): string {
  const config = Object.fromEntries(
    Object.keys(schema)
      .sort()
      .map((name) => [name, declare(schema[name])]),
  );
  const doc = {
    name: CONFIG_NAMESPACE,
    description: "smartem-release-infra: the release infrastructure of SmartEM Decisions, as code",
    runtime: { name: "nodejs", options: { typescript: true, packagemanager: "npm" } },
    config,
  };
  return `${HEADER}\n${YAML.stringify(doc, { lineWidth: 0 })}`;
}
