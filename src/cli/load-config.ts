// Commands read the configuration when they run: `blogsmith --help` does not load its schema (zod).
import type { Config } from '../config.ts';

export async function loadConfig(): Promise<Config> {
  const config = await import('../config.ts');
  return config.loadConfig();
}
