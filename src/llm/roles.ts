// What a model is used for; a leaf module, so model resolution and the gateway's types share it
// without importing each other.
export const llmRoles = ['planner', 'writer', 'checker', 'embedder'] as const;
export type LlmRole = (typeof llmRoles)[number];
/** The roles that generate text (the embedder only embeds). */
export type GenerationRole = Exclude<LlmRole, 'embedder'>;
