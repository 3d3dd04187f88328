/**
 * Replaces a small text file atomically, and only if nobody changed it since it was read:
 * the new text goes to a hidden sibling `.<name>.write-<pid>-<random>` (same folder, so the
 * rename stays on one file system), is fsynced, the original is read again and compared
 * with what the caller read, and only then is the sibling renamed over it. A run killed at
 * any moment leaves the whole old file or the whole new one, never an empty or partial
 * one; the sibling a killed run leaves is deleted by the next write beside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CRASH_POINTS, crashPoint } from "./crash-point";
import { fsReason, siblingPath, staleSiblings } from "./siblings";

/** The file changed on disk between the caller's read and this write; nothing was written. */
export class ConcurrentEditError extends Error {}

/**
 * Writes `text` over `file` if the file still holds `expected`.
 * `label` names the file in messages (never the hidden sibling). @param label default: the file's name
 */
export function replaceFileIfUnchanged(file: string, expected: string, text: string, label = path.basename(file)): void {
  let real: string;
  let mode: number;
  try {
    // Through a symbolic link, replace the file it names and keep the link.
    real = fs.realpathSync(file);
    mode = fs.statSync(real).mode & 0o7777;
    for (const stale of staleSiblings(real, ["write"])) fs.rmSync(stale.path, { force: true });
  } catch (error) {
    throw new Error(`${label}: cannot read it: ${fsReason(error)}`, { cause: error });
  }
  const temporary = siblingPath(real, "write");
  try {
    const fd = fs.openSync(temporary, "wx", mode);
    try {
      fs.fchmodSync(fd, mode); // exactly the original's mode, whatever the umask
      crashPoint(CRASH_POINTS.fileTempOpened);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    crashPoint(CRASH_POINTS.fileTempWritten);
    if (fs.readFileSync(real, "utf8") !== expected) {
      throw new ConcurrentEditError(
        `${label} changed on disk while this ran (another editor or run?); nothing was written: run again on the file as it is now`,
      );
    }
    fs.renameSync(temporary, real);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    if (error instanceof ConcurrentEditError) throw error;
    throw new Error(`${label}: cannot write it: ${fsReason(error)}; the file is as it was`, { cause: error });
  }
  crashPoint(CRASH_POINTS.fileRenamed);
  syncFolder(path.dirname(real));
}

/** Makes the rename itself durable (a power cut after it keeps the new file). */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Not every file system lets a folder be fsynced; the rename is done either way.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
