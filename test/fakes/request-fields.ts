// What a test reads off a chat request the fake model received: its messages' text and the name of
// the structured answer it asks for.
import type { ReceivedRequest } from './scripted-server.ts';

export const promptOf = (r: ReceivedRequest) =>
  ((r.body.messages as Array<{ content: unknown }> | undefined) ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : ''))
    .join('\n');

export const schemaOf = (r: ReceivedRequest) =>
  (r.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
