/**
 * Where a render may be written (`--out`), and the crash-safe swap that writes it.
 *
 * A render replaces its folder whole, so it only ever replaces what a render wrote: a new
 * path, an empty folder, or a folder holding the marker file {@link RENDER_MARKER}. Anything
 * else (a folder of other files, a file, a symbolic link, the root, the current folder or
 * this checkout, or a folder holding one of them) is refused before anything is touched.
 *
 * The swap: the render is written into a hidden sibling `.<dir>.render-<pid>-<random>`, the
 * marker last (so a folder with the marker is complete); the previous render is renamed
 * to `.<dir>.old-...`, the new one renamed to `<dir>`, the old one renamed to
 * `.<dir>.trash-...` and deleted. A run killed at any moment leaves at `<dir>` the old
 * render, the new one, or (between the two renames) nothing but a complete `.<dir>.old-...`,
 * which the next run renames back before anything else. The next run also deletes the
 * siblings whose process is gone. `.<dir>.lock` keeps two runs off one folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CRASH_POINTS, crashPoint } from "../fs/crash-point";
import { fsReason, processAlive, siblingPath, staleSiblings } from "../fs/siblings";
import { PROJECT_ROOT } from "../engine/stack-file";

/** The file that marks a folder as a render (and so, as the render's to replace). */
export const RENDER_MARKER = ".smartem-render";

const MARKER_STAMP = {
  writtenBy: "smartem-release-infra npm run render",
  replacedWhole: "the next render into this folder replaces all of it",
};
const MARKER_CONTENT = JSON.stringify(MARKER_STAMP, null, 2) + "\n";

/** A refusal or failure about the output folder; its message names the folder as the user gave it. */
export class OutDirError extends Error {}

export interface OutDirOptions {
  /** How messages name the folder, e.g. `--out ../x` as typed. @default the folder as passed */
  readonly label?: string;
  /**
   * Write the marker, and refuse a folder that is neither new, empty nor marked. Only the
   * project's own checked-in copies (test/golden, which git keeps and which must hold the
   * render files alone) are written without. @default true
   */
  readonly marker?: boolean;
}

interface Target {
  readonly path: string;
  readonly label: string;
  readonly marker: boolean;
}

function targetOf(outDir: string, options: OutDirOptions): Target {
  return { path: path.resolve(outDir), label: options.label ?? outDir, marker: options.marker ?? true };
}

const SIBLING_KINDS = ["render", "old", "trash", "lock"];

/** True when something (also a dangling symbolic link) is at `p`. */
function present(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** True when `dir` holds this project's render marker. */
export function isRender(dir: string): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, RENDER_MARKER), "utf8")) as { writtenBy?: unknown };
    return stamp.writtenBy === MARKER_STAMP.writtenBy;
  } catch {
    return false;
  }
}

function realpathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Why the folder `real` must never be replaced (the root, or it is or holds the current folder or this checkout), or undefined. */
function enclosingReason(real: string): string | undefined {
  if (path.dirname(real) === real) return "the root folder";
  for (const [name, inner] of [
    ["the current folder", realpathOrSelf(process.cwd())],
    ["this checkout", realpathOrSelf(PROJECT_ROOT)],
  ]) {
    if (inner === real) return name;
    if (inner.startsWith(real + path.sep)) return `a folder holding ${name}`;
  }
  return undefined;
}

/** Throws unless the render may be written at the target. Reads only. */
function assertWritable(target: Target): void {
  const refuse = (why: string): never => {
    throw new OutDirError(`${target.label}: ${why}; nothing was written`);
  };
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    return refuse(fsReason(error));
  }
  if (stat.isSymbolicLink()) {
    return refuse(
      `is a symbolic link (to ${fs.readlinkSync(target.path)}), which the render would replace; give the folder itself, or a new path`,
    );
  }
  if (!stat.isDirectory())
    return refuse("is a file, not a folder; the render writes a folder of files there and would replace it");
  const enclosing = enclosingReason(fs.realpathSync(target.path));
  if (enclosing) return refuse(`is ${enclosing}, which a render would replace whole; give a folder of its own, e.g. out/<stack>`);
  const entries = fs.readdirSync(target.path).sort();
  if (entries.length === 0 || isRender(target.path)) return;
  const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, and ${entries.length - 3} more` : "");
  return refuse(
    `holds files the render did not write (${shown}), and a render replaces its folder whole; give a new path, an empty folder, or a previous render (a folder holding ${RENDER_MARKER})`,
  );
}

function failure(target: Target, error: unknown, temporary?: string): Error {
  if (error instanceof OutDirError) return error;
  const failedPath = (error as NodeJS.ErrnoException).path;
  const inside = temporary && failedPath?.startsWith(temporary + path.sep) ? ` (${path.relative(temporary, failedPath)})` : "";
  return new OutDirError(`${target.label}: cannot write the render${inside}: ${fsReason(error)}`, { cause: error });
}

/** Takes `.<dir>.lock` (replacing one whose process is gone); returns its release. */
function lock(target: Target): () => void {
  const lockPath = path.join(path.dirname(target.path), `.${path.basename(target.path)}.lock`);
  // Written whole under a private name, then linked: the lock never exists without its pid.
  const mine = siblingPath(target.path, "lock");
  fs.writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        fs.linkSync(mine, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      let holder: number;
      try {
        holder = Number(fs.readFileSync(lockPath, "utf8"));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // released meanwhile
        throw error;
      }
      if (processAlive(holder)) {
        throw new OutDirError(`${target.label}: another render (process ${holder}) is writing it now; run again when it is done`);
      }
      fs.rmSync(lockPath, { force: true }); // left by a killed run
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  return () => {
    try {
      if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.rmSync(lockPath, { force: true });
    } catch {
      // Already gone: nothing to release.
    }
  };
}

/** Undoes what a killed run left: the previous render back in place, its siblings deleted. */
function recover(target: Target): void {
  const stale = staleSiblings(target.path, SIBLING_KINDS);
  if (!present(target.path)) {
    // Only a rename of the whole folder makes an `old` sibling, so one is always complete.
    const old = stale.find((s) => s.kind === "old");
    if (old) {
      fs.renameSync(old.path, target.path);
      stale.splice(stale.indexOf(old), 1);
    }
  }
  for (const sibling of stale) fs.rmSync(sibling.path, { recursive: true, force: true });
}

/** Runs `work` holding the folder's lock, after recovering what a killed run left. */
function withTarget<T>(target: Target, work: () => Promise<T>): Promise<T> {
  let release: () => void;
  try {
    fs.mkdirSync(path.dirname(target.path), { recursive: true });
    release = lock(target);
  } catch (error) {
    return Promise.reject(failure(target, error));
  }
  return (async () => {
    try {
      recover(target);
      return await work();
    } finally {
      release();
    }
  })().catch((error: unknown) => Promise.reject(failure(target, error)));
}

/**
 * Checks that a render may be written at `outDir` and recovers what a killed run left there;
 * writes nothing when refused. The render command calls it before the (slow) evaluation so
 * that a wrong `--out` is refused at once.
 */
export async function prepareOutDir(outDir: string, options: OutDirOptions = {}): Promise<void> {
  const target = targetOf(outDir, options);
  if (!target.marker) return;
  assertWritable(target);
  await withTarget(target, async () => assertWritable(target));
}

/**
 * Replaces the folder `outDir` with exactly `files` (relative path -> content), plus the
 * marker: refused unless {@link prepareOutDir} allows the folder, crash-safe as described
 * above. Files are written concurrently: with hundreds of files the waits on the disk overlap.
 */
export async function replaceFolder(
  files: ReadonlyMap<string, string>,
  outDir: string,
  options: OutDirOptions = {},
): Promise<void> {
  const target = targetOf(outDir, options);
  if (target.marker) assertWritable(target);
  await withTarget(target, async () => {
    if (target.marker) assertWritable(target);
    // Not mkdtemp: that folder would be private (0700), and it becomes the render itself.
    const temporary = siblingPath(target.path, "render");
    const writes = [...files].map(([relative, content]) => {
      const file = path.join(temporary, relative);
      if (!file.startsWith(temporary + path.sep) || relative.split(/[\\/]/).includes(RENDER_MARKER)) {
        throw new OutDirError(`${target.label}: refusing to write outside the render: ${relative}`);
      }
      return [file, content] as const;
    });
    fs.mkdirSync(temporary);
    try {
      // Each folder once: a recursive mkdir per file costs more than the writes themselves.
      for (const dir of new Set(writes.map(([file]) => path.dirname(file)))) fs.mkdirSync(dir, { recursive: true });
      await Promise.all(writes.map(([file, content]) => fs.promises.writeFile(file, content)));
      crashPoint(CRASH_POINTS.renderFilesWritten);
      if (target.marker) fs.writeFileSync(path.join(temporary, RENDER_MARKER), MARKER_CONTENT);
      crashPoint(CRASH_POINTS.renderMarkerWritten);
    } catch (error) {
      fs.rmSync(temporary, { recursive: true, force: true });
      throw failure(target, error, temporary);
    }

    const old = present(target.path) ? siblingPath(target.path, "old") : undefined;
    try {
      if (old) fs.renameSync(target.path, old);
      crashPoint(CRASH_POINTS.renderOldAside);
      fs.renameSync(temporary, target.path);
    } catch (error) {
      if (old && !present(target.path)) fs.renameSync(old, target.path);
      fs.rmSync(temporary, { recursive: true, force: true });
      throw failure(target, error);
    }
    crashPoint(CRASH_POINTS.renderNewIn);
    if (old) {
      // Renamed before deleting, so a half-deleted folder is never taken for a previous render.
      const trash = siblingPath(target.path, "trash");
      fs.renameSync(old, trash);
      crashPoint(CRASH_POINTS.renderOldTrashed);
      await fs.promises.rm(trash, { recursive: true, force: true });
    }
  });
}
