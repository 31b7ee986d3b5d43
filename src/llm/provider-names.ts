// The providers Blogsmith can call: a leaf module, so configuration validation (config.ts) and the
// gateway share the list without importing each other.
export const providerNames = ['openai', 'anthropic', 'google', 'groq', 'ollama', 'compatible'] as const;
export type ProviderName = (typeof providerNames)[number];
