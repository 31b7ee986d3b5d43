// The API names a refused brief field by its path (`research.urls.0`, `research.maxWebSources`);
// `blogsmith generate` names the option the user typed (`--url notaurl`, `--web-sources`).
import { AppError } from '../errors.ts';

const optionByField: Record<string, string> = {
  topic: '<topic>',
  words: '--words',
  keywords: '--keywords',
  audience: '--audience',
  tone: '--tone',
  title: '--title',
  language: '--language',
  outline: '--heading',
  brandVoiceId: '--brand-voice',
  'research.urls': '--url',
  'research.documents': '--file',
  'research.maxWebSources': '--web-sources',
};

/** The brief's refusal in the command line's words; any other error as it was. */
export function inOptionTerms(err: unknown, urls: readonly string[]): unknown {
  if (!(err instanceof AppError) || err.code !== 'validation_error' || !Array.isArray(err.details))
    return err;
  const details = (err.details as { path?: string; message?: string }[]).map((d) => {
    const [, field = '', index] = /^(.*?)(?:\.(\d+))?$/.exec(d.path ?? '') ?? [];
    const option = optionByField[field];
    if (!option) return d;
    const url = option === '--url' && index !== undefined ? urls[Number(index)] : undefined;
    return { path: url === undefined ? option : `${option} ${url}`, message: d.message };
  });
  return new AppError('validation_error', 'Invalid options', details);
}
