/**
 * A small Kubernetes API client for the scenarios: reads the kubeconfig that e2e/cluster.sh
 * writes (one cluster, client certificates as files), lists objects and watches them.
 * The scenarios change the cluster only the way users do (pulumi, kubectl); this client
 * only observes, so that what it records is the API server's own view, event by event.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as https from "node:https";
import { parse } from "yaml";

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly creationTimestamp?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly deletionTimestamp?: string;
  };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface WatchEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  readonly object: KubeObject;
  /** When this process received the event (ms since the epoch). */
  readonly at: number;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority": string } }[];
  users: { user: { "client-certificate": string; "client-key": string } }[];
}

export class KubeClient {
  private readonly agent: https.Agent;
  private readonly server: URL;

  constructor(readonly kubeconfigPath: string) {
    const config = parse(readFileSync(kubeconfigPath, "utf8")) as Kubeconfig;
    const cluster = config.clusters[0]!.cluster;
    const user = config.users[0]!.user;
    this.server = new URL(cluster.server);
    this.agent = new https.Agent({
      ca: readFileSync(cluster["certificate-authority"]),
      cert: readFileSync(user["client-certificate"]),
      key: readFileSync(user["client-key"]),
      keepAlive: true,
    });
  }

  /** GET a path (`/api/v1/namespaces/x/pods`); undefined for 404. */
  async get<T = KubeObject>(path: string): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const req = https.get(new URL(path, this.server), { agent: this.agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          if (res.statusCode === 404) resolve(undefined);
          else if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 300)}`));
          else resolve(JSON.parse(body) as T);
        });
      });
      req.on("error", reject);
    });
  }

  async list(path: string): Promise<KubeObject[]> {
    return (await this.get<{ items: KubeObject[] }>(path))?.items ?? [];
  }

  /**
   * Watches a collection path from now on; `onEvent` gets every event in order. Returns a
   * function that stops the watch. The watch restarts from the last resourceVersion if the
   * server ends it (watches time out).
   */
  watch(path: string, onEvent: (event: WatchEvent) => void, onError: (error: Error) => void): () => void {
    let stopped = false;
    let current: ReturnType<typeof https.get> | undefined;
    let resourceVersion = "";
    const start = (): void => {
      if (stopped) return;
      const url = new URL(path, this.server);
      url.searchParams.set("watch", "true");
      url.searchParams.set("allowWatchBookmarks", "true");
      if (resourceVersion) url.searchParams.set("resourceVersion", resourceVersion);
      current = https.get(url, { agent: this.agent }, (res) => {
        if (res.statusCode !== 200) {
          onError(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          return;
        }
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let newline: number;
          while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline).trim();
            buffer = buffer.slice(newline + 1);
            if (!line) continue;
            const event = JSON.parse(line) as Omit<WatchEvent, "at">;
            if (event.type === "ERROR") {
              // 410 Gone: start over from now (the recorder has the objects it saw).
              resourceVersion = "";
              continue;
            }
            resourceVersion = String((event.object.metadata as { resourceVersion?: string }).resourceVersion ?? resourceVersion);
            if (event.type !== "BOOKMARK") onEvent({ ...event, at: Date.now() });
          }
        });
        res.on("end", start);
      });
      current.on("error", (error) => {
        if (!stopped) onError(error);
      });
    };
    start();
    return () => {
      stopped = true;
      current?.destroy();
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs kubectl as a user would; resolves with stdout, rejects with stderr. */
export function kubectl(env: NodeJS.ProcessEnv, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("kubectl", args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
