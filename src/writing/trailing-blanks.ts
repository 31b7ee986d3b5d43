// Trailing blanks removed by counting from the end. `/[ \t]+$/` and `/\n*$/` are tried from every
// position of every run in the text, and a run that is not at the end is read again from each of
// its characters: a text with a long run of spaces or newlines in the middle cost its square.

const endRun = (text: string, chars: string): number => {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return end;
};

/** `text.replace(/[ \t]+$/, '')` */
export const withoutTrailingBlanks = (text: string) => text.slice(0, endRun(text, ' \t'));

/** Where the run of newlines that ends `text` starts (`text.search(/\n*$/)`). */
export const trailingNewlinesStart = (text: string) => endRun(text, '\n');
