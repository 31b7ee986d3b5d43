// Model text with Windows line endings (some servers and fine-tunes answer with CRLF): the
// Markdown readers after it — headings, sentences, citation offsets — expect `\n` alone, and a
// `\r` left at a line's end made a repeated heading look new and moved citations onto the wrong
// sentence. Dropping every `\r` works the same whichever way a stream splits a `\r\n`.
export const lineFeedsOnly = (text: string) => (text.includes('\r') ? text.replaceAll('\r', '') : text);
