// A parsed model name; a leaf module like provider-names.ts, for the same reason.
import type { ProviderName } from './provider-names.ts';

/** A model named `provider:model`, e.g. `openai:gpt-4o-mini` or `ollama:llama3.2:3b`. */
export interface ModelRef {
  provider: ProviderName;
  model: string;
  /** `provider:model` */
  id: string;
}
