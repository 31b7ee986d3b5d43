// A backup is a plain ustar archive (manifest.json, the database dump, optionally the encrypted
// secret key), so an operator can open it with `tar xf` and run pg_restore by hand if need be.
// Entries are streamed from and to disk: dumps can be larger than memory.
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

const block = 512;

export interface TarEntrySource {
  name: string;
  /** In-memory content, or a file to copy in. */
  data: Buffer | { file: string; size: number };
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const h = Buffer.alloc(block);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\u000000', 257, 8, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return h;
}

const padding = (size: number) => Buffer.alloc((block - (size % block)) % block);

// One pipeline from the entries to the file: a file that cannot be opened or written (a folder that
// refuses new files, a full disk) rejects here. Writing to the stream by hand left its `error` event
// without a listener, which ended the process with a trace instead.
export async function writeTar(file: string, entries: TarEntrySource[]): Promise<void> {
  await pipeline(
    async function* () {
      for (const entry of entries) {
        if (Buffer.isBuffer(entry.data)) {
          yield header(entry.name, entry.data.length);
          yield entry.data;
          yield padding(entry.data.length);
        } else {
          yield header(entry.name, entry.data.size);
          yield* createReadStream(entry.data.file);
          yield padding(entry.data.size);
        }
      }
      yield Buffer.alloc(block * 2);
    },
    createWriteStream(file, { mode: 0o600 }),
  );
}

export interface TarEntry {
  name: string;
  size: number;
  /** Byte offset of the entry's content in the archive. */
  offset: number;
}

/** An archive that ends early: a copy or upload cut short, a full disk. */
export class TruncatedTarError extends Error {}

/**
 * Lists the entries of an archive written by writeTar (or any plain ustar file). The end-of-archive
 * marker (two zero blocks) is required and every entry must be whole: an archive cut short would
 * otherwise list as a shorter, valid one (a lost last entry, the sealed key, went unnoticed).
 */
export async function listTar(file: string): Promise<TarEntry[]> {
  const handle = await open(file, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const entries: TarEntry[] = [];
    const h = Buffer.alloc(block);
    const readBlock = async (at: number) => (await handle.read(h, 0, block, at)).bytesRead === block;
    let position = 0;
    for (;;) {
      if (!(await readBlock(position))) {
        if (position === 0) throw new Error('not a tar archive');
        throw new TruncatedTarError('it ends before its end-of-archive marker (truncated)');
      }
      if (h.every((b) => b === 0)) {
        if (!(await readBlock(position + block)) || !h.every((b) => b === 0))
          throw new TruncatedTarError('its end-of-archive marker is incomplete (truncated)');
        break;
      }
      if (h.toString('ascii', 257, 262) !== 'ustar') throw new Error('not a tar archive');
      const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const size = Number.parseInt(h.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim(), 8);
      if (!Number.isFinite(size)) throw new Error('corrupt tar header');
      if (position + block + size > fileSize) throw new TruncatedTarError(`${name} is cut short (truncated)`);
      entries.push({ name, size, offset: position + block });
      position += block + size + padding(size).length;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

export async function readTarEntry(file: string, entry: TarEntry): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(entry.size);
    await handle.read(buffer, 0, entry.size, entry.offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

export async function extractTarEntry(file: string, entry: TarEntry, target: string): Promise<void> {
  if (entry.size === 0) {
    await pipeline(async function* () {}, createWriteStream(target, { mode: 0o600 }));
    return;
  }
  await pipeline(
    createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 }),
    createWriteStream(target, { mode: 0o600 }),
  );
}
