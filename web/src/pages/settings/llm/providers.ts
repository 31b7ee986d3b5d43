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
    url: 'required',
    urlLabel: 'Ollama address',
    // A local Ollama on the server itself is the operator's to enable (OLLAMA_BASE_URL); a
    // workspace's address must be one the server may reach.
    urlHint: 'The address of your Ollama server, e.g. https://ollama.example.com',
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
