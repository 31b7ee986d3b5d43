// Bytes someone else wrote (an uploaded document, a fetched page) read as text in the charset they
// are in, in a module of its own so the page extractor's processes load it without the knowledge
// base's format detection.

const decoded = (encoding: string, bytes: Uint8Array, fatal: boolean): string | undefined => {
  try {
    return new TextDecoder(encoding, { fatal }).decode(bytes);
  } catch {
    return undefined; // not that encoding, or a label TextDecoder does not know
  }
};

/**
 * The charset the document declares: the `charset` of its Content-Type, else an HTML
 * `<meta charset>` (or `http-equiv` Content-Type) near its start.
 */
export function declaredCharset(bytes: Uint8Array, declaredType?: string): string | undefined {
  const fromType = /charset\s*=\s*"?([\w.:-]+)/i.exec(declaredType ?? '')?.[1];
  if (fromType) return fromType;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)).toString(
    'latin1',
  );
  return /<meta[^>]*?charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
}

/** The encoding a byte order mark at the start of `bytes` names. */
function byteOrderMark(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * `bytes` as text, whatever they hold: in the encoding their byte order mark names, else UTF-8,
 * else the charset they declare, else Windows-1252 (what browsers take undeclared legacy text for;
 * `guessed`). Undefined when a UTF-16 mark is followed by what is not UTF-16. Text declared UTF-16
 * without a mark is valid UTF-8 too (one NUL each ASCII letter): holding a NUL, it is read as declared.
 */
export function decodeBytes(
  bytes: Uint8Array,
  charset?: string,
): { text: string; guessed: boolean } | undefined {
  const bom = byteOrderMark(bytes);
  // A UTF-8 mark vouches for the rest: a bad byte is one U+FFFD, not a page of mojibake.
  if (bom) {
    const text = decoded(bom, bytes, bom !== 'utf-8');
    return text === undefined ? undefined : { text, guessed: false };
  }
  const declared = charset && !/^utf-?8$/i.test(charset) ? charset : undefined;
  const utf16 = declared && /^utf-?16/i.test(declared) && bytes.includes(0);
  const text =
    (utf16 ? decoded(declared, bytes, true) : undefined) ??
    decoded('utf-8', bytes, true) ??
    (declared ? decoded(declared, bytes, true) : undefined);
  if (text !== undefined) return { text, guessed: false };
  return { text: new TextDecoder('windows-1252').decode(bytes), guessed: true };
}

/**
 * Decodes text content (decodeBytes), or returns undefined for binary data: a Latin-1 page or a
 * Windows text file was refused as binary.
 */
export function decodeText(bytes: Uint8Array, charset?: string): string | undefined {
  const result = decodeBytes(bytes, charset);
  if (!result) return undefined;
  const { text, guessed } = result;
  // Control characters other than whitespace mean binary data; read as Windows-1252, so do the
  // five bytes it leaves undefined (decoded as C1 controls).
  for (let i = 0; i < Math.min(text.length, 8192); i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || (guessed && c >= 0x80 && c <= 0x9f)) return undefined;
  }
  return text;
}
