/**
 * Test hook for crash safety: when the environment variable SMARTEM_TEST_KILL_AT names a
 * point, the process kills itself there with SIGKILL, as `kill -9` would: no finally blocks,
 * no exit handlers, no cleanup. Only tests set it; unset, a crash point does nothing.
 */

/** The environment variable the tests set to a {@link CrashPoint}. */
export const KILL_AT_ENV = "SMARTEM_TEST_KILL_AT";

/** Every point a test can kill at, in the order a run passes them. */
export const CRASH_POINTS = {
  /** replaceFolder: every render file is in the temporary folder, the marker is not. */
  renderFilesWritten: "render:files-written",
  /** replaceFolder: the temporary folder is complete (marker written last). */
  renderMarkerWritten: "render:marker-written",
  /** replaceFolder: the previous render is renamed aside, the new one not yet in. */
  renderOldAside: "render:old-aside",
  /** replaceFolder: the new render is in place, the previous one not yet deleted. */
  renderNewIn: "render:new-in",
  /** replaceFolder: the previous render is renamed to its trash name, not yet deleted. */
  renderOldTrashed: "render:old-trashed",
  /** replaceFile: the temporary file exists and is still empty. */
  fileTempOpened: "file:temp-opened",
  /** replaceFile: the temporary file holds the new text (fsynced), the original is as it was. */
  fileTempWritten: "file:temp-written",
  /** replaceFile: the new file is renamed over the original. */
  fileRenamed: "file:renamed",
} as const;

export type CrashPoint = (typeof CRASH_POINTS)[keyof typeof CRASH_POINTS];

export function crashPoint(point: CrashPoint): void {
  if (process.env[KILL_AT_ENV] !== point) return;
  process.kill(process.pid, "SIGKILL");
  // The signal is delivered before kill() returns to a single thread; block anyway so that
  // nothing after this point can run while it lands.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
