import { type BigIntStats, closeSync, fstatSync, openSync, readFileSync, readSync, statfsSync, statSync } from "node:fs";
import { isValidRefName } from "./revisions.js";

/**
 * What a ref holds, read from the bare repo's files the way git's "files" ref
 * backend stores them (gitrepository-layout(5), git-pack-refs(1)): `{ oid }`,
 * or `"ask-git"` for everything else, left to git: no such ref (git then tries
 * other names, `refs/<name>`, `refs/tags/<name>`…, see gitrevisions(7)), a
 * symbolic ref, a repo in the reftable format, a file it cannot parse.
 */
export type RefValue = { oid: string } | "ask-git";

/** What `HEAD` holds: the branch it points at, a detached commit, or `"ask-git"`. */
export type HeadValue = { ref: string } | { oid: string } | "ask-git";

/** A file younger than this when read is read again on every look-up (see `RefFiles`). */
const defaultRacyMs = 3_000;
const maxRefBytes = 512;
const maxKeptFiles = 4096;
const oidLine = /^([0-9a-f]{40})\n?$/;

/**
 * `statfs` types of local file systems, where `stat` sees a rename by another
 * process at once. Network file systems (NFS, SMB, FUSE, Ceph…) may answer
 * `stat` from an attribute cache for seconds; only `open` revalidates there
 * (close-to-open consistency), so refs on them are always read whole.
 */
const localFileSystems = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
]);

/** The version of a file `stat` tells apart: a rewrite by rename gets a new inode, one in place new times. */
interface FileVersion {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

interface Kept<T> {
  version: FileVersion;
  value: T;
}

/**
 * Reads refs straight from a bare repo's files, without asking git: a few
 * syscalls instead of a round trip to `git cat-file`. Exact across processes
 * that share the repo folder: git writes a ref (and `packed-refs`) by renaming
 * a complete lock file into place, so a reader sees the old file or the new one
 * whole, and a loose ref wins over a packed one, as in git.
 *
 * On a local file system, what a file held is kept with its `FileVersion` and
 * used while one `stat` (one syscall instead of three) still shows that
 * version. File times are coarse (a few ms) and a freed inode can come back,
 * so two rewrites close together could look alike; as git does for its
 * "racily clean" index entries, a file younger than `racyMs` when it was read
 * is not kept, so any later rewrite of a kept file carries a later time
 * (assuming the clock does not step back by more than that).
 *
 * The reads are synchronous: three syscalls on a small file cost less than one
 * hop through libuv's thread pool.
 */
export class RefFiles {
  /** Loose refs and `HEAD` files by path: their text. */
  private readonly small = new Map<string, Kept<string>>();
  /** `packed-refs` files by repo folder: ref → oid. */
  private readonly packed = new Map<string, Kept<Map<string, string>>>();
  private readonly localDisk = new Map<string, boolean>();
  private readonly buf = Buffer.alloc(maxRefBytes);

  /** `racyMs`: how old a file must be to be kept; far above the file system's time granularity (tests pass 0). */
  constructor(private readonly racyMs = defaultRacyMs) {}

  /** The object id `ref` (a full name: `refs/heads/main`, already validated) points at. */
  readRef(repoDir: string, ref: string): RefValue {
    const loose = this.readSmall(repoDir, `${repoDir}/${ref}`);
    if (loose === "ask-git") return "ask-git";
    if (loose !== undefined) {
      const m = oidLine.exec(loose);
      return m ? { oid: m[1]! } : "ask-git"; // `ref: …` (symbolic) or something odd: git knows best
    }
    const packed = this.packedRefs(repoDir);
    if (packed === "ask-git") return "ask-git";
    const oid = packed.get(ref);
    return oid ? { oid } : "ask-git";
  }

  /** Where the repo's `HEAD` points (a bare repo's default branch). */
  readHead(repoDir: string): HeadValue {
    const head = this.readSmall(repoDir, `${repoDir}/HEAD`);
    if (head === undefined || head === "ask-git") return "ask-git";
    // A reftable repo's HEAD names `refs/heads/.invalid`, which is no valid name.
    const sym = /^ref: (refs\/\S+)\n?$/.exec(head);
    if (sym) return isValidRefName(sym[1]!) ? { ref: sym[1]! } : "ask-git";
    const m = oidLine.exec(head);
    return m ? { oid: m[1]! } : "ask-git";
  }

  /** A small file's text; undefined when there is no file (or a folder of refs) at `file`. */
  private readSmall(repoDir: string, file: string): string | undefined | "ask-git" {
    const kept = this.fresh(this.small, file);
    if (kept !== undefined) return kept;
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: a prefix of the name is a ref (`refs/heads/a` when asked for `a/b`); git reads that as no ref too.
      return code === "ENOENT" || code === "ENOTDIR" ? undefined : "ask-git";
    }
    try {
      const version = this.onLocalDisk(repoDir) ? fstatSync(fd, { bigint: true }) : undefined;
      const n = readSync(fd, this.buf, 0, maxRefBytes, 0);
      if (n === maxRefBytes) return "ask-git";
      const text = this.buf.toString("latin1", 0, n);
      if (version) this.keep(this.small, file, version, text);
      return text;
    } catch (err) {
      // EISDIR: `refs/heads/a` is a folder of refs (`a/b`), so there is no loose ref `a`.
      return (err as NodeJS.ErrnoException).code === "EISDIR" ? undefined : "ask-git";
    } finally {
      closeSync(fd);
    }
  }

  private packedRefs(repoDir: string): Map<string, string> | "ask-git" {
    const file = `${repoDir}/packed-refs`;
    const kept = this.fresh(this.packed, repoDir, file);
    if (kept !== undefined) return kept;
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ENOENT" ? new Map() : "ask-git";
    }
    try {
      // The version and the text come from one open file, so they describe the same file.
      const version = this.onLocalDisk(repoDir) ? fstatSync(fd, { bigint: true }) : undefined;
      const refs = parsePackedRefs(readFileSync(fd, "latin1"));
      if (version) this.keep(this.packed, repoDir, version, refs);
      return refs;
    } catch {
      return "ask-git";
    } finally {
      closeSync(fd);
    }
  }

  /** What `cache` holds for `key` if the file (`file`, by default `key`) is still the version it was read from. */
  private fresh<T>(cache: Map<string, Kept<T>>, key: string, file = key): T | undefined {
    const kept = cache.get(key);
    if (!kept) return undefined;
    let now: BigIntStats | undefined;
    try {
      now = statSync(file, { bigint: true, throwIfNoEntry: false });
    } catch {
      now = undefined; // ENOTDIR and the like: read it properly
    }
    const v = kept.version;
    if (now && now.ino === v.ino && now.dev === v.dev && now.size === v.size && now.mtimeNs === v.mtimeNs && now.ctimeNs === v.ctimeNs) {
      return kept.value;
    }
    cache.delete(key);
    return undefined;
  }

  /** Keeps what was read from a file unless the file was too young to tell its next version apart. */
  private keep<T>(cache: Map<string, Kept<T>>, key: string, s: BigIntStats, value: T): void {
    const newest = s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs;
    if (BigInt(Date.now() - this.racyMs) * 1_000_000n <= newest) return;
    cache.set(key, { version: { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs }, value });
    if (cache.size > maxKeptFiles) cache.delete(cache.keys().next().value!);
  }

  private onLocalDisk(repoDir: string): boolean {
    let local = this.localDisk.get(repoDir);
    if (local === undefined) {
      try {
        local = localFileSystems.has(statfsSync(repoDir).type);
      } catch {
        return false; // no folder (yet): read whole, and ask again next time
      }
      this.localDisk.set(repoDir, local);
      if (this.localDisk.size > maxKeptFiles) this.localDisk.delete(this.localDisk.keys().next().value!);
    }
    return local;
  }
}

/** `<oid> <ref>` lines of a packed-refs file; `^<oid>` (peeled tag) and `#` header lines are skipped. */
function parsePackedRefs(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{40}) (refs\/.+)$/.exec(line);
    if (m) refs.set(m[2]!, m[1]!);
  }
  return refs;
}
