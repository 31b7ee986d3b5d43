// What each provider needs to connect, in the words the connect form uses.
import type { ProviderName } from '../../../api.ts';

export const providerLabels: Record<ProviderName, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  groq: 'Groq',
  ollama: 'Ollama',
  compatible: 'OpenAI-compatible server (vLLM, llama.cpp, LM Studio, OpenRouter…)',
};

type Need = 'required' | 'optional' | 'none';
export interface ConnectNeeds {
  key: Need;
  url: Need;
  urlLabel: string;
  urlHint: string;
}

const hosted = (name: string): ConnectNeeds => ({
  key: 'required',
  url: 'optional',
  urlLabel: 'Custom endpoint (optional)',
  urlHint: `Leave empty to use ${name}'s own API.`,
});

export const connectNeeds: Record<ProviderName, ConnectNeeds> = {
  openai: hosted('OpenAI'),
  anthropic: hosted('Anthropic'),
  google: hosted('Google'),
  groq: hosted('Groq'),
  ollama: {
    key: 'none',
    url: 'optional',
    urlLabel: 'Ollama address (optional)',
    urlHint: 'Leave empty for http://127.0.0.1:11434 on this server.',
  },
  compatible: {
    key: 'optional',
    url: 'required',
    urlLabel: 'Server address (base URL)',
    urlHint: 'The address ending in /v1, e.g. http://localhost:8000/v1',
  },
};

export const roleHints = {
  planner: 'Outlines and search queries',
  writer: 'Writes the sections',
  checker: 'Checks facts and citations',
  embedder: 'Embeddings for the knowledge library',
} as const;
