/**
 * Turns an Evaluation into the render layout of the contract (see docs/render.md):
 * plan.json, outputs.json, github/<repository>/..., k8s/<namespace>/<kind>-<name>.yaml.
 * Written by ./out-dir.ts: only over a previous render, crash-safely, so a failure
 * leaves the previous output untouched.
 */
import * as YAML from "yaml";
import { releasePipelines } from "./pipeline-render";
import { TrustedPublisher, trustedPublisherInstructions } from "../../components/release/trusted-publisher";
import { TYPES } from "../../components/shared/project";
import { Evaluation, RegisteredResource, offlineAutoname } from "../engine/evaluate";
import { FileRenderer, RenderedFiles, jsonFile } from "./files";
import { OutDirOptions, replaceFolder } from "./out-dir";

export type { FileRenderer, RenderedFiles } from "./files";

const json = jsonFile;

function byType(evaluation: Evaluation, type: string): RegisteredResource[] {
  return evaluation.resources.filter((r) => r.type === type);
}

export const PLAN_FILE = "plan.json";

const planAndOutputs: FileRenderer = (evaluation, files) => {
  files.set(PLAN_FILE, json(evaluation.resources.map(({ type, name, inputs }) => ({ type, name, inputs }))));
  files.set("outputs.json", json(evaluation.outputs));
};

// Where each kind of resource lands in the layout, named once for the renderers and for
// filesHoldingInputs below.
const repositoryFilePath = (r: RegisteredResource): string => `github/${r.inputs.repository}/${r.inputs.file}`;
// The ruleset's own name (unique per repository); the resource name if it has none.
const rulesetPath = (r: RegisteredResource): string => `github/${r.inputs.repository}/rulesets/${r.inputs.name ?? r.name}.json`;
// An environment and its deployment policies share the environment's file.
const environmentPath = (r: RegisteredResource): string =>
  `github/${r.inputs.repository}/environments/${r.inputs.environment}.json`;

const repositoryFiles: FileRenderer = (evaluation, files) => {
  for (const r of byType(evaluation, TYPES.repositoryFile)) files.set(repositoryFilePath(r), String(r.inputs.content));
};

const rulesets: FileRenderer = (evaluation, files) => {
  for (const r of byType(evaluation, TYPES.ruleset)) files.set(rulesetPath(r), json(r.inputs));
};

const environments: FileRenderer = (evaluation, files) => {
  const policies = byType(evaluation, TYPES.deploymentPolicy);
  for (const r of byType(evaluation, TYPES.environment)) {
    const deploymentPolicies = policies.filter((p) => environmentPath(p) === environmentPath(r)).map((p) => p.inputs);
    files.set(environmentPath(r), json({ ...r.inputs, deploymentPolicies }));
  }
};

/**
 * `github/<repository>/pypi-trusted-publisher.md`: how to register the `trustedPublisher`
 * stack output on PyPI (which has no API for it), one file per repository.
 */
const trustedPublisherSteps: FileRenderer = (evaluation, files) => {
  const output = evaluation.outputs.trustedPublisher as Record<string, TrustedPublisher> | undefined;
  const byRepository = new Map<string, TrustedPublisher[]>();
  for (const publisher of Object.values(output ?? {})) {
    byRepository.set(publisher.repository, [...(byRepository.get(publisher.repository) ?? []), publisher]);
  }
  for (const [repository, publishers] of byRepository) {
    files.set(`github/${repository}/pypi-trusted-publisher.md`, trustedPublisherInstructions(publishers));
  }
};

/**
 * A Kubernetes object as a file that `kubectl apply` takes: an autonamed object (the
 * ConfigMap, the Secret, the migration Job) gets the offline name that its file name and
 * the pod templates referring to it use. On a cluster Pulumi names it with its own
 * random suffix instead (docs/render.md).
 */
function kubernetesObject(r: RegisteredResource): {
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
} {
  const kind = String(r.inputs.kind ?? r.type.split(":").pop());
  const metadata = (r.inputs.metadata ?? {}) as Record<string, unknown> & { name?: string; namespace?: string };
  const name = metadata.name ?? offlineAutoname(r.name, r.inputs);
  const named = Object.fromEntries(Object.entries({ ...metadata, name }).sort(([a], [b]) => a.localeCompare(b)));
  return {
    kind,
    name,
    ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}),
    object: { ...r.inputs, metadata: named },
  };
}

const isKubernetesObject = (r: RegisteredResource): boolean => r.custom && r.type.startsWith("kubernetes:");

/** Cluster-scoped kinds go to their own folder (a Namespace to its own name). */
function kubernetesPath(r: RegisteredResource): string {
  const { kind, name, namespace } = kubernetesObject(r);
  const folder = namespace ?? (kind === "Namespace" ? name : "_cluster");
  return `k8s/${folder}/${kind.toLowerCase()}-${name}.yaml`;
}

const kubernetesObjects: FileRenderer = (evaluation, files) => {
  for (const r of evaluation.resources.filter(isKubernetesObject)) {
    files.set(kubernetesPath(r), YAML.stringify(kubernetesObject(r).object, { lineWidth: 0 }));
  }
};

/**
 * The file of the layout that holds a resource's inputs, if one does: `whole` when every
 * input is there (a Kubernetes object, a ruleset, an environment or its deployment policy),
 * `content` when only a committed file's content is (its other inputs are not).
 */
export function filesHoldingInputs(r: RegisteredResource): { readonly whole: string } | { readonly content: string } | undefined {
  if (isKubernetesObject(r)) return { whole: kubernetesPath(r) };
  if (r.type === TYPES.ruleset) return { whole: rulesetPath(r) };
  if (r.type === TYPES.environment || r.type === TYPES.deploymentPolicy) return { whole: environmentPath(r) };
  if (r.type === TYPES.repositoryFile) return { content: repositoryFilePath(r) };
  return undefined;
}

/** Every concern's renderer, in order. Later concerns add theirs here. */
export const renderers: readonly FileRenderer[] = [
  planAndOutputs,
  repositoryFiles,
  releasePipelines,
  rulesets,
  environments,
  trustedPublisherSteps,
  kubernetesObjects,
];

export function renderFiles(evaluation: Evaluation): RenderedFiles {
  const files: RenderedFiles = new Map();
  for (const render of renderers) render(evaluation, files);
  return files;
}

/**
 * Writes `files` as the whole content of `outDir`, plus the render marker (not one of
 * `files`): only where a render may go, crash-safely, see ./out-dir.ts.
 */
export async function writeRender(files: RenderedFiles, outDir: string, options: OutDirOptions = {}): Promise<void> {
  await replaceFolder(files, outDir, options);
}

/** Resources per type and the files written, for the console. */
export function summarize(evaluation: Evaluation, files: RenderedFiles, outDir: string): string {
  const counts = new Map<string, number>();
  for (const r of evaluation.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const lines = [`stack ${evaluation.stack}: ${evaluation.resources.length} resources`];
  for (const [type, n] of [...counts].sort()) lines.push(`  ${String(n).padStart(3)}  ${type}`);
  lines.push(`${files.size} files written to ${outDir}`);
  return lines.join("\n");
}
