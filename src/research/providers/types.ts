export type SearchResult = {
  title: string;
  url: string;
  snippet: string;
  publishedAt?: string;
  score?: number;
  provider: string;
};

export type SearchOptions = { limit: number; signal?: AbortSignal };

export interface SearchProvider {
  readonly name: string;
  search(query: string, opts: SearchOptions): Promise<SearchResult[]>;
}

/** What every provider constructor takes besides its credential. */
export type ProviderSettings = { baseUrl?: string; timeoutMs?: number };
