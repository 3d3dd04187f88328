/**
 * GitHub's published REST description (`@octokit/openapi`, api.github.com) as a request
 * checker: which operation a method and path are, and whether a JSON body fits the
 * operation's request schema. The GitHub API double refuses whatever it does not fit.
 */
import Ajv, { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

interface Operation {
  readonly operationId: string;
  readonly requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  readonly parameters?: readonly { name: string; in: string; required?: boolean; $ref?: string }[];
}

type PathItem = Partial<Record<"get" | "put" | "post" | "patch" | "delete", Operation>>;

interface Description {
  readonly paths: Record<string, PathItem>;
  readonly components: unknown;
}

export interface MatchedOperation {
  readonly operationId: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/rulesets/{ruleset_id}`. */
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
}

export class OpenApiChecker {
  private readonly ajv: Ajv;
  private readonly routes: { method: string; template: string; regex: RegExp; names: string[]; operation: Operation }[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  // eslint-disable-next-line @typescript-eslint/no-require-imports -- 13 MB of JSON, loaded only when a double starts
  constructor(description: Description = require("@octokit/openapi/generated/api.github.com.json") as Description) {
    // OpenAPI 3.0 schemas: `nullable`, `example` and vendor keywords are not JSON Schema.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: description.components }, "github");
    for (const [template, item] of Object.entries(description.paths)) {
      const names: string[] = [];
      // `{path}` of the contents API spans slashes; every other parameter is one segment.
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return name === "path" ? "(.+)" : "([^/]+)";
      });
      const regex = new RegExp(`^${source}$`);
      for (const method of ["get", "put", "post", "patch", "delete"] as const) {
        const operation = item[method];
        if (operation) this.routes.push({ method: method.toUpperCase(), template, regex, names, operation });
      }
    }
    // Literal segments before parameters: `/user/repos` must not match `/user/{id}`-like templates.
    this.routes.sort((a, b) => b.template.replace(/\{[^}]+\}/g, "").length - a.template.replace(/\{[^}]+\}/g, "").length);
  }

  /** The operation for a method and path (no query, no `/api/v3` prefix), or undefined. */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { operationId: route.operation.operationId, template: route.template, params };
    }
    return undefined;
  }

  /** Problems of a request body for an operation ([] when it fits; a body where none is described is a problem). */
  checkBody(method: string, template: string, body: unknown): string[] {
    const operation = this.routes.find((r) => r.method === method && r.template === template)?.operation;
    if (!operation) return [`${method} ${template} is not an operation of the GitHub REST API`];
    const schema = operation.requestBody?.content?.["application/json"]?.schema;
    if (schema === undefined) return body === undefined ? [] : [`${method} ${template} takes no JSON body`];
    if (body === undefined) return operation.requestBody?.required ? [`${method} ${template} requires a JSON body`] : [];
    const key = `${method} ${template}`;
    let validate = this.validators.get(key);
    if (!validate) {
      // Compile the operation's schema with its $refs pointing into the registered components.
      // OpenAPI 3.0 ignores `nullable` without `type` (e.g. beside `oneOf`, as in issues/create);
      // Ajv refuses to compile it, so it is dropped there.
      const rewritten = JSON.parse(
        JSON.stringify(schema).replace(/"#\/components\//g, '"github#/components/'),
        (_key, value: unknown) => {
          if (value === null || typeof value !== "object" || Array.isArray(value) || !("nullable" in value) || "type" in value)
            return value;
          const { nullable: _dropped, ...rest } = value as Record<string, unknown>;
          return rest;
        },
      ) as object;
      validate = this.ajv.compile(rewritten);
      this.validators.set(key, validate);
    }
    if (validate(body)) return [];
    const messages = (validate.errors ?? []).map(
      (e) =>
        `${key}: body${e.instancePath} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`,
    );
    return [...new Set(messages)];
  }
}
