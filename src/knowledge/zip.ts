// Reads a ZIP's central directory and guards against decompression bombs before any library
// unzips it: declared sizes and ratios first, then each entry is inflated with a hard output cap
// equal to its declared size, so an archive that lies about its sizes is caught too.
import { inflateRawSync } from 'node:zlib';
import { rejected } from './errors.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Largest total uncompressed size of all entries. */
  maxUncompressedBytes: number;
  /** Largest uncompressed:compressed ratio, for the archive and for any entry over `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this are not ratio-checked: tiny repetitive XML parts compress very well. */
  ratioFloorBytes: number;
}

export const defaultZipLimits: ZipLimits = {
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export const looksLikeZip = (bytes: Uint8Array) =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** Lists the entries of a ZIP from its central directory; throws `corrupt` when it cannot be read. */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string) => rejected('corrupt', `corrupt archive: ${why}`);
  // The end record is in the last 22 + 65535 (comment) bytes.
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw corrupt('no end of central directory');
  const count = buf.readUInt16LE(end + 10);
  const dirSize = buf.readUInt32LE(end + 12);
  const dirOffset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw corrupt('ZIP64 archives are not accepted');
  if (dirOffset + dirSize > end) throw corrupt('central directory out of bounds');

  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) throw corrupt('bad central directory entry');
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      uncompressedSize: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Throws `bomb` when the archive would expand beyond the limits; `corrupt` when an entry is unreadable. */
export function assertZipIsSafe(
  bytes: Uint8Array,
  entries: ZipEntry[],
  limits: ZipLimits = defaultZipLimits,
) {
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  const bomb = (why: string) => rejected('bomb', `archive refused as a decompression bomb: ${why}`);
  let total = 0;
  let packed = 0;
  for (const e of entries) {
    total += e.uncompressedSize;
    packed += e.compressedSize;
    if (
      e.uncompressedSize >= limits.ratioFloorBytes &&
      e.uncompressedSize > e.compressedSize * limits.maxRatio
    )
      throw bomb(`${e.name} expands more than ${limits.maxRatio}:1`);
  }
  if (total > limits.maxUncompressedBytes)
    throw bomb(`declared size ${mb(total)} exceeds ${mb(limits.maxUncompressedBytes)}`);
  if (total >= limits.ratioFloorBytes && total > Math.max(packed, 1) * limits.maxRatio)
    throw bomb(`archive expands more than ${limits.maxRatio}:1`);

  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const e of entries) {
    if (e.method === 0) {
      if (e.compressedSize !== e.uncompressedSize) throw bomb(`${e.name} declares a wrong stored size`);
      continue;
    }
    if (e.method !== 8)
      throw rejected('corrupt', `corrupt archive: ${e.name} uses compression method ${e.method}`);
    const at = e.localHeaderOffset;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL)
      throw rejected('corrupt', `corrupt archive: bad local header for ${e.name}`);
    const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    try {
      inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw bomb(`${e.name} inflates beyond its declared size`);
      throw rejected('corrupt', `corrupt archive: ${e.name} cannot be inflated`);
    }
  }
}
