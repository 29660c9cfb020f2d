import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holderPid: number) {
    super(
      `The data folder ${dataDir} is in use by another Dolmetscherpool process (pid ${holderPid}). ` +
        "Embedded PostgreSQL allows one process per data folder: stop that process first " +
        "(while it runs, use its HTTP API), or set DATA_DIR to another folder.",
    );
    this.name = "DataDirInUseError";
  }
}

interface LockOwner {
  pid: number;
  host: string;
}

/**
 * Takes an exclusive lock file in `dataDir` for this process. PGlite does not lock its files, and
 * two processes writing one data folder would corrupt it. A lock left behind by a process that
 * died (SIGKILL, power loss) is taken over, since its pid no longer runs.
 *
 * @returns a function that releases the lock
 * @throws {DataDirInUseError} when a live process holds it
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "dolmetscherpool.lock");
  const me: LockOwner = { pid: process.pid, host: hostname() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, "wx");
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => releaseIfMine(lockFile, me);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(lockFile);
    if (owner && owner.host === me.host && isAlive(owner.pid) && owner.pid !== me.pid) {
      throw new DataDirInUseError(dataDir, owner.pid);
    }
    // Stale (its process is gone) or unreadable (a crash while writing it): remove and retry.
    rmSync(lockFile, { force: true });
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

function readOwner(lockFile: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockFile, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfMine(lockFile: string, me: LockOwner): void {
  const owner = readOwner(lockFile);
  if (owner && owner.pid === me.pid && owner.host === me.host) rmSync(lockFile, { force: true });
}
