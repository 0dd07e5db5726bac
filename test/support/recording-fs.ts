/**
 * A file system for redactFile's `fs` option: node:fs underneath (real files, real fsync), with
 * every call written to a log under a short name, and knobs for what a local disk never does on
 * its own: short reads and writes, a call that fails, bytes or a status that change between two
 * looks. It also keeps the descriptors open, so a test can ask that each is closed exactly once.
 */
import * as nodeFs from 'node:fs';
import { basename, dirname } from 'node:path';
import type { RedactFileSystem } from '../../lambda/core/wav-redact-file';

export interface FsCall {
  /** open, close, fstat, stat, fchmod, ftruncate, read, write, fdatasync, fdatasync done, fsync, rename, unlink */
  readonly op: string;
  /** `in`, `out`, `dir` (the output's directory), `tmp` (the temporary file), else the base name. */
  readonly file: string;
  readonly position?: number;
  /** Bytes asked for (read, write). */
  readonly length?: number;
  /** For fdatasync: bytes written to the file before it. */
  readonly written?: number;
}

export interface RecordingFsOptions {
  /** The most bytes one readSync returns. */
  readonly readCap?: (asked: number) => number;
  /** The most bytes one writeSync writes. */
  readonly writeCap?: (asked: number) => number;
  /** Runs as a call is logged, before it reaches node:fs; throwing makes the call fail. */
  readonly before?: (call: FsCall) => void;
  /** May change the bytes a read returned (`bytes` came from file offset `position`). */
  readonly afterRead?: (file: string, bytes: Uint8Array, position: number) => void;
  /** May change the status a statSync (a look-up by name) returned. */
  readonly stat?: (file: string, stats: nodeFs.Stats) => nodeFs.Stats;
  /** The error an fdatasync reports (instead of its own), asked as it completes. */
  readonly fdatasyncError?: () => NodeJS.ErrnoException | null;
}

export function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (injected)`), { code });
}

export function recordingFs(paths: { in: string; out: string }, options: RecordingFsOptions = {}) {
  const calls: FsCall[] = [];
  /** Descriptors open now, by the name of their file. */
  const open = new Map<number, string>();
  /** Calls the module must never make: a descriptor closed that is not open, a read past its buffer. */
  const misuse: string[] = [];
  const written = new Map<string, number>();
  const name = (path: string) => {
    if (typeof path !== 'string') misuse.push(`a path that is not a string: ${String(path)}`);
    if (path === paths.in) return 'in';
    if (path === paths.out) return 'out';
    if (path === dirname(paths.out)) return 'dir';
    if (String(path).endsWith('.redact-tmp')) return 'tmp';
    return basename(String(path));
  };
  const fileOf = (fd: number) => open.get(fd) ?? `fd ${fd} (not open)`;
  const log = (call: FsCall) => {
    calls.push(call);
    options.before?.(call);
  };
  const checkRange = (what: string, buffer: Uint8Array, offset: number, length: number) => {
    if (offset < 0 || length < 0 || offset + length > buffer.length) {
      misuse.push(`${what}: ${length} bytes at ${offset} of a ${buffer.length}-byte buffer`);
      throw new RangeError(`${what} outside its buffer`);
    }
  };
  const fs: RedactFileSystem = {
    openSync(path, flags, mode) {
      const file = name(path);
      log({ op: 'open', file });
      const fd = nodeFs.openSync(path, flags, mode);
      open.set(fd, file);
      return fd;
    },
    closeSync(fd) {
      const file = open.get(fd);
      if (file === undefined) {
        // Closing a number that is not ours could close another part of the program's file.
        misuse.push(`close(${fd}): not open`);
        throw errno('EBADF');
      }
      log({ op: 'close', file });
      open.delete(fd);
      nodeFs.closeSync(fd);
    },
    fstatSync(fd) {
      const file = fileOf(fd);
      log({ op: 'fstat', file });
      return nodeFs.fstatSync(fd);
    },
    statSync(path, opts) {
      const file = name(path);
      log({ op: 'stat', file });
      const stats = nodeFs.statSync(path, opts);
      return stats && options.stat ? options.stat(file, stats) : stats;
    },
    fchmodSync(fd, mode) {
      log({ op: 'fchmod', file: fileOf(fd) });
      nodeFs.fchmodSync(fd, mode);
    },
    ftruncateSync(fd, length) {
      log({ op: 'ftruncate', file: fileOf(fd), length });
      nodeFs.ftruncateSync(fd, length);
    },
    readSync(fd, buffer, offset, length, position) {
      const file = fileOf(fd);
      checkRange('read', buffer, offset, length);
      log({ op: 'read', file, position, length });
      const n = nodeFs.readSync(
        fd,
        buffer,
        offset,
        Math.min(length, options.readCap?.(length) ?? length),
        position,
      );
      options.afterRead?.(file, buffer.subarray(offset, offset + n), position);
      return n;
    },
    writeSync(fd, buffer, offset, length, position) {
      const file = fileOf(fd);
      checkRange('write', buffer, offset, length);
      log({ op: 'write', file, position, length });
      const n = nodeFs.writeSync(
        fd,
        buffer,
        offset,
        Math.min(length, options.writeCap?.(length) ?? length),
        position,
      );
      written.set(file, (written.get(file) ?? 0) + n);
      return n;
    },
    fdatasync(fd, callback) {
      const file = fileOf(fd);
      log({ op: 'fdatasync', file, written: written.get(file) ?? 0 });
      nodeFs.fdatasync(fd, (err) => {
        calls.push({ op: 'fdatasync done', file });
        callback(options.fdatasyncError?.() ?? err);
      });
    },
    fsyncSync(fd) {
      log({ op: 'fsync', file: fileOf(fd) });
      nodeFs.fsyncSync(fd);
    },
    renameSync(from, to) {
      log({ op: 'rename', file: `${name(from)} → ${name(to)}` });
      nodeFs.renameSync(from, to);
    },
    unlinkSync(path) {
      log({ op: 'unlink', file: name(path) });
      nodeFs.unlinkSync(path);
    },
  };
  /** The calls as `op file`, reads and writes left out. */
  const steps = () =>
    calls.filter((c) => c.op !== 'read' && c.op !== 'write').map((c) => `${c.op} ${c.file}`);
  return { fs, calls, open, misuse, steps };
}
