// Embeds chunk texts in batches through an injected embedder (the gateway's, which caches).
export type EmbedTexts = (texts: string[]) => Promise<number[][]>;

export async function embedChunks(
  embed: EmbedTexts,
  texts: string[],
  opts: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number[][]> {
  const batchSize = opts.batchSize ?? 64;
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    const vectors = await embed(batch);
    if (vectors.length !== batch.length) {
      throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} texts`);
    }
    out.push(...vectors);
    opts.onProgress?.(out.length, texts.length);
  }
  return out;
}
