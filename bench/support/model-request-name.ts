// What a chat request to the fake model was for, to name the calls and gaps of a job's timeline:
// its structured answer's name, the part of the article it writes, or the start of its last message.
export function modelRequestName(body: Record<string, unknown>): string {
  const format = body.response_format as { json_schema?: { name?: string } } | undefined;
  if (format?.json_schema?.name) return format.json_schema.name;
  const messages = (body.messages as Array<{ content: unknown }> | undefined) ?? [];
  const prompt = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const section = /Write the body of section (\d+)/.exec(prompt)?.[1];
  if (section) return `section ${section}`;
  if (prompt.includes('Write the introduction')) return 'intro';
  if (prompt.includes('Write the conclusion')) return 'conclusion';
  if (prompt.includes('A fact check found problems')) return 'revise';
  return String(messages.at(-1)?.content ?? '')
    .replace(/\s+/g, ' ')
    .slice(0, 30);
}
