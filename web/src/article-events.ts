// The events of an article run as the server streams them (SSE on /api/v1/articles/{id}/events, and
// the WebSocket's `event` messages), typed from the generated OpenAPI types: each event type with
// its own payload, so pages read fields instead of guessing them.
import type { paths } from './api/schema.d.ts';

type Streamed =
  paths['/api/v1/articles/{id}/events']['get']['responses'][200]['content']['text/event-stream'];

export type ArticleEventType = Streamed['event'];
export type ArticleEventData<T extends ArticleEventType> = Extract<Streamed, { event: T }>['data'];
