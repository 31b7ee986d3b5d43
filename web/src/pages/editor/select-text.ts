// Selecting a span of a textarea so the writer sees it: focused (a selection only shows in a focused
// field), the field scrolled to the span and brought on screen.
export function selectInTextarea(textarea: HTMLTextAreaElement, start: number, end: number) {
  // The height of the text before the span, measured by the field itself (wrapping included).
  const full = textarea.value;
  textarea.value = full.slice(0, start);
  const above = textarea.scrollHeight;
  textarea.value = full;
  textarea.focus({ preventScroll: true });
  textarea.setSelectionRange(start, end);
  textarea.scrollTop = Math.max(0, above - textarea.clientHeight / 3);
  textarea.scrollIntoView({ block: 'nearest' });
}
