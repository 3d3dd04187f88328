/**
 * The hidden siblings a crash-safe write keeps beside its target while it works
 * (`.<name>.<kind>-<pid>-<random>` in the same folder, so that renames stay on one file
 * system), and how the next run finds the ones an interrupted run left behind.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Sibling {
  readonly path: string;
  readonly kind: string;
  /** The process that made it. */
  readonly pid: number;
}

/** A new sibling path of `target` for this process. */
export function siblingPath(target: string, kind: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** True while a process with this id runs (also one of another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The siblings of `target` of these kinds whose process is gone: what a killed run left.
 * Siblings of running processes (a concurrent run) are not listed.
 */
export function staleSiblings(target: string, kinds: readonly string[]): Sibling[] {
  const prefix = `.${path.basename(target)}.`;
  const parent = path.dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const stale: Sibling[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^([a-z]+)-(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
    if (!match || !kinds.includes(match[1])) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && !processAlive(pid)) stale.push({ path: path.join(parent, name), kind: match[1], pid });
  }
  return stale;
}

/**
 * The plain reason of a file-system error, without the path it names (which may be a
 * hidden sibling the user never asked for): `no space left on device`.
 */
export function fsReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ENOTDIR") return "a part of the path is a file, not a folder";
  const libuv = /^E[A-Z]+: ([^,]+)/.exec(e?.message ?? "");
  return libuv ? libuv[1] : error instanceof Error ? error.message : String(error);
}
