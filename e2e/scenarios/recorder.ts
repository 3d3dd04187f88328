/**
 * Records what the API server shows in one namespace while a command runs: the api
 * Service's ready endpoints after every EndpointSlice event, when each Job and pod appeared,
 * when a Job completed or failed, and the Deployments' statuses. The scenarios assert on it.
 */
import { KubeClient, KubeObject, WatchEvent } from "./kube";

const VERSION = "app.kubernetes.io/version";
const COMPONENT = "app.kubernetes.io/component";

export interface JobRecord {
  readonly name: string;
  readonly version?: string;
  readonly addedAt: number;
  completedAt?: number;
  failedAt?: number;
}

export interface PodRecord {
  readonly name: string;
  readonly version?: string;
  readonly component?: string;
  readonly image?: string;
  readonly addedAt: number;
}

function condition(object: KubeObject, type: string): boolean {
  const conditions = (object.status?.conditions ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === type && c.status === "True");
}

export class Recorder {
  /** Ready endpoints of the service after each EndpointSlice event (time, count). */
  readonly readyEndpoints: { at: number; ready: number }[] = [];
  readonly jobs = new Map<string, JobRecord>();
  readonly pods = new Map<string, PodRecord>();
  readonly deploymentStatuses: { at: number; name: string; status: Record<string, unknown> }[] = [];
  readonly errors: string[] = [];
  private readonly slices = new Map<string, number>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    private readonly service: string,
  ) {}

  /** Starts watching; resolves once the initial state of every watched collection arrived. */
  async start(): Promise<void> {
    const ns = this.namespace;
    const watches: [string, (e: WatchEvent) => void][] = [
      [
        `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${this.service}`,
        (e) => this.onSlice(e),
      ],
      [`/apis/batch/v1/namespaces/${ns}/jobs`, (e) => this.onJob(e)],
      [`/api/v1/namespaces/${ns}/pods`, (e) => this.onPod(e)],
      [`/apis/apps/v1/namespaces/${ns}/deployments`, (e) => this.onDeployment(e)],
    ];
    for (const [path, handler] of watches) {
      this.stops.push(this.kube.watch(path, handler, (error) => this.errors.push(error.message)));
    }
    // The initial ADDED events come first; a short settle covers them on a loopback server.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private onSlice(e: WatchEvent): void {
    const endpoints = ((e.object as { endpoints?: { conditions?: { ready?: boolean } }[] }).endpoints ?? []).filter(
      (p) => p.conditions?.ready === true,
    );
    if (e.type === "DELETED") this.slices.delete(e.object.metadata.name);
    else this.slices.set(e.object.metadata.name, endpoints.length);
    this.readyEndpoints.push({ at: e.at, ready: [...this.slices.values()].reduce((a, b) => a + b, 0) });
  }

  private onJob(e: WatchEvent): void {
    const name = e.object.metadata.name;
    let record = this.jobs.get(name);
    if (!record) {
      const version = e.object.metadata.labels?.[VERSION];
      record = { name, addedAt: e.at, ...(version ? { version } : {}) };
      this.jobs.set(name, record);
    }
    if (record.completedAt === undefined && condition(e.object, "Complete")) record.completedAt = e.at;
    if (record.failedAt === undefined && condition(e.object, "Failed")) record.failedAt = e.at;
  }

  private onPod(e: WatchEvent): void {
    const name = e.object.metadata.name;
    if (this.pods.has(name)) return;
    const labels = e.object.metadata.labels ?? {};
    const containers = ((e.object.spec?.containers ?? []) as { image?: string }[]).map((c) => c.image);
    this.pods.set(name, {
      name,
      addedAt: e.at,
      ...(labels[VERSION] ? { version: labels[VERSION] } : {}),
      ...(labels[COMPONENT] ? { component: labels[COMPONENT] } : {}),
      ...(containers[0] ? { image: containers[0] } : {}),
    });
  }

  private onDeployment(e: WatchEvent): void {
    this.deploymentStatuses.push({ at: e.at, name: e.object.metadata.name, status: e.object.status ?? {} });
  }

  /** The lowest ready-endpoint count seen since `since` (ms), or undefined without events. */
  minReadyEndpoints(since = 0): number | undefined {
    const seen = this.readyEndpoints.filter((r) => r.at >= since).map((r) => r.ready);
    return seen.length > 0 ? Math.min(...seen) : undefined;
  }

  /** Jobs first seen after `since`. */
  jobsSince(since: number): JobRecord[] {
    return [...this.jobs.values()].filter((j) => j.addedAt >= since);
  }

  /** Backend pods (api, worker) of `version` in the order they appeared. */
  backendPods(version: string): PodRecord[] {
    return [...this.pods.values()]
      .filter((p) => p.version === version && (p.component === "api" || p.component === "worker"))
      .sort((a, b) => a.addedAt - b.addedAt);
  }
}
