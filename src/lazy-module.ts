// Packages that cost a noticeable share of start-up (tokenizer tables, DOM and HTML parsers, YAML)
// but are used only once work arrives: loaded synchronously on first use instead of at import, so
// `serve`, `worker` and the CLI come up without paying for them. Node 24 `require`s ES modules too.
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** `const yaml = lazyModule<typeof import('yaml')>('yaml')`, then `yaml().parse(…)`. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= requireFromHere(specifier) as T;
    return loaded;
  };
}
