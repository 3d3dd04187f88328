/**
 * Container resource requests and limits: the Kubernetes quantity subset this
 * project accepts, and the rule that a request never exceeds its limit.
 */
import { z } from "zod";

/** CPU: millicores (`250m`) or cores (`1`, `0.5`). */
const CPU = /^(?:[1-9]\d*m|\d+(?:\.\d{1,3})?)$/;
/** Memory: binary units only (`128Mi`, `1Gi`): decimal `M` is a common slip for `Mi`. */
const MEMORY = /^[1-9]\d*(?:Ki|Mi|Gi)$/;

const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

/** Millicores of a CPU quantity accepted by {@link cpuQuantity}. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

/** Bytes of a memory quantity accepted by {@link memoryQuantity}. */
export function memoryBytes(quantity: string): number {
  return Number(quantity.slice(0, -2)) * MEMORY_UNITS[quantity.slice(-2)]!;
}

export const cpuQuantity = z
  .string()
  .regex(CPU, "not a CPU quantity like 100m or 0.5")
  .refine((q) => cpuMillis(q) > 0, "must be more than 0");
export const memoryQuantity = z.string().regex(MEMORY, "not a memory quantity like 128Mi or 1Gi");

const amounts = z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity });

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Requests and limits, both required, each request at most its limit. */
export const containerResources = z.strictObject({ requests: amounts, limits: amounts }).superRefine((r, ctx) => {
  if (cpuMillis(r.requests.cpu) > cpuMillis(r.limits.cpu)) {
    ctx.addIssue({ code: "custom", path: ["requests", "cpu"], message: `exceeds limits.cpu ${r.limits.cpu}` });
  }
  if (memoryBytes(r.requests.memory) > memoryBytes(r.limits.memory)) {
    ctx.addIssue({ code: "custom", path: ["requests", "memory"], message: `exceeds limits.memory ${r.limits.memory}` });
  }
});

export const CONTAINER_RESOURCES_ALLOWED =
  '{"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}: cpu in millicores (100m) or cores (0.5), memory in Ki/Mi/Gi, each request at most its limit';

/** Today's staging sizes: the default of every backend container. */
export const DEFAULT_RESOURCES: ContainerResources = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "200m", memory: "256Mi" },
};
