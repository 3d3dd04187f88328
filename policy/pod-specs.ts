/**
 * Where pod specs live in the workload kinds the program may register, read off resource
 * inputs (the props a policy sees). Loosely typed on purpose: policies must not crash on
 * a half-filled manifest, they report it.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { TYPES } from "../components/shared/project";

/** Kubernetes resource type token -> path from the inputs to the pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  [TYPES.pod]: ["spec"],
  [TYPES.deployment]: ["spec", "template", "spec"],
  [TYPES.statefulSet]: ["spec", "template", "spec"],
  [TYPES.daemonSet]: ["spec", "template", "spec"],
  [TYPES.replicaSet]: ["spec", "template", "spec"],
  [TYPES.job]: ["spec", "template", "spec"],
  [TYPES.cronJob]: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Resource properties as the policy SDK hands them over (its own loosely typed record). */
export type Loose = ResourceValidationArgs["props"];

export function at(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Loose)[step];
  }
  return value;
}

/** The pod spec of a workload resource, or undefined for other types. */
export function podSpecOf(type: string, props: Loose): Loose | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  const spec = at(props, path);
  return spec && typeof spec === "object" ? (spec as Loose) : {};
}

export interface NamedContainer {
  /** `containers[0]` style location, for messages. */
  readonly where: string;
  readonly name: string;
  readonly container: Loose;
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(podSpec: Loose): NamedContainer[] {
  const found: NamedContainer[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: Loose, i: number) => {
      const name = typeof container?.name === "string" ? container.name : `#${i}`;
      found.push({ where: `${field}[${i}]`, name, container: container ?? {} });
    });
  }
  return found;
}
