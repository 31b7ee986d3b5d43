// A run of characters at the end of a text, found by counting back from the end. `/[ \t]+$/` and
// its kind are tried from every position of every run in the text, and a run that is not at the
// end is read again from each of its characters: a long run of spaces, newlines or slashes in the
// middle of a text cost its length squared.

/** Where the run of `chars` that ends `text` starts (`text.length` when there is none). */
export function trailingRunStart(text: string, chars: string): number {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end;
}

/** `text` without the run of `chars` that ends it. */
export const withoutTrailing = (text: string, chars: string) => text.slice(0, trailingRunStart(text, chars));
