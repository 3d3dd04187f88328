/**
 * Recommended Kubernetes labels (app.kubernetes.io/*) of every backend object, and
 * the selector subset, which never includes the version (selectors are immutable).
 */
export const PART_OF = "smartem-decisions";
export const MANAGED_BY = "pulumi";

/** The label carrying the version an object runs (read back from the checkpoint, see migration-history.ts). */
export const VERSION_LABEL = "app.kubernetes.io/version";

/** The annotation carrying the exact pip requirement the object runs. */
export const REQUIREMENT_ANNOTATION = "smartem.diamond.ac.uk/requirement";

/** The label naming an object's part of the backend (the policy pack finds the api by it). */
export const COMPONENT_LABEL = "app.kubernetes.io/component";

export type AppComponent = "api" | "worker" | "migration" | "database" | "broker";

export interface AppIdentity {
  /** app.kubernetes.io/name, e.g. smartem-http-api. */
  readonly name: string;
  /** app.kubernetes.io/instance: the namespace, unique per stack. */
  readonly instance: string;
  readonly component: AppComponent;
  /** app.kubernetes.io/version: the backend version, or a backing service's image version. */
  readonly version: string;
}

export type Labels = Readonly<Record<string, string>>;

/** The labels a selector matches: stable across versions. */
export function selectorLabels(id: AppIdentity): Labels {
  return { "app.kubernetes.io/name": id.name, "app.kubernetes.io/instance": id.instance };
}

/**
 * Labels of objects that outlive a version (Service, PodDisruptionBudget): no version, so a
 * bump changes only what the migration Job gates, and these never claim a version early.
 */
export function stableLabels(id: AppIdentity): Labels {
  return {
    ...selectorLabels(id),
    [COMPONENT_LABEL]: id.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

export function appLabels(id: AppIdentity): Labels {
  return {
    ...selectorLabels(id),
    [VERSION_LABEL]: id.version,
    [COMPONENT_LABEL]: id.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": MANAGED_BY,
  };
}

/** The components that talk to the database and the broker (NetworkPolicy peers). */
export const BACKEND_CLIENTS: readonly AppComponent[] = ["api", "worker", "migration"];
