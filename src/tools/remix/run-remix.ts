// Remixing a stored article (F9) into another format: the article's text as quoted data (condensed
// to the model's context when it must be), the format's task, the writer role's structured answer,
// then the format's limits held. Nothing is stored: the remix is the response.
import { findArticle } from '../../articles/article-store.ts';
import { fitQuotes } from '../../articles/prompt-budget.ts';
import { fenced } from '../../articles/prompts.ts';
import { assertIdle } from '../../articles/service.ts';
import { AppError } from '../../errors.ts';
import type { CallUsage, ModelCallOptions, ToolCaller, ToolDeps } from '../model-call.ts';
import { assertWriter, brandVoiceFor, callWriter } from '../model-call.ts';
import { requestBlock, toolSystem } from '../prompt.ts';
import { condense, remixSource } from './article-digest.ts';
import type { Remixed, RemixFormatId, RemixOptions } from './format.ts';
import { formatsById } from './formats.ts';

export interface RemixRequest {
  format: RemixFormatId;
  /** A voice of the workspace; null for none; left out: the article's own, if it still exists. */
  brandVoiceId?: string | null | undefined;
  audience?: string | undefined;
  tone?: string | undefined;
  instruction?: string | undefined;
  language?: string | undefined;
  posts?: number | undefined;
  numbered?: boolean | undefined;
  slides?: number | undefined;
  minutes?: number | undefined;
}

export interface RemixResult extends Remixed {
  format: RemixFormatId;
  articleId: string;
  /** The article did not fit the model's context whole: every heading, each section shortened. */
  condensed: boolean;
  usage: CallUsage;
}

export const remixDefaults = { posts: 8, numbered: true, slides: 10, minutes: 3 } as const;

// More characters a token than prose has (English ~4, code and repeated text more): an article
// longer than the budget times this cannot fit, so condensing starts there.
const charsPerTokenAtMost = 8;

const role = 'You are an expert content strategist who adapts long-form articles for other channels.';

/** The article's own voice, unless it was deleted since. */
async function articleVoice(deps: ToolDeps, caller: ToolCaller, id: string | undefined) {
  try {
    return await brandVoiceFor(deps.database, caller, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_error') return undefined;
    throw err;
  }
}

/**
 * Everything about a remix that can be refused before the model is called: the article (404 in
 * another workspace, 409 while it is being written or while it has no text), the brand voice, a
 * model to write with; then `run` makes the call.
 */
export async function prepareRemix(
  deps: ToolDeps,
  caller: ToolCaller,
  articleId: string,
  request: RemixRequest,
): Promise<{ run(options?: ModelCallOptions): Promise<RemixResult> }> {
  const article = await findArticle(deps.database, caller, articleId);
  assertIdle(article.status);
  const source = remixSource(article.markdown);
  if (!source) throw new AppError('conflict', 'The article has no text yet to remix');
  const voice =
    request.brandVoiceId === undefined
      ? await articleVoice(deps, caller, article.brief.brandVoiceId)
      : await brandVoiceFor(deps.database, caller, request.brandVoiceId ?? undefined);
  await assertWriter(deps, caller);

  const format = formatsById[request.format];
  const options: RemixOptions = {
    posts: request.posts ?? remixDefaults.posts,
    numbered: request.numbered ?? remixDefaults.numbered,
    slides: request.slides ?? remixDefaults.slides,
    minutes: request.minutes ?? remixDefaults.minutes,
  };
  const system = toolSystem({ role, language: request.language ?? article.brief.language, voice });
  const ask = [
    requestBlock([
      { label: 'Audience', value: request.audience },
      { label: 'Tone', value: request.tone },
    ]),
    format.task(options),
    request.instruction
      ? `The user asks for this; follow it within the rules above: ${JSON.stringify(request.instruction)}`
      : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');
  const title = article.title || article.brief.topic;
  let quotedChars = source.length;
  const build = (maxChars: number) => {
    quotedChars = Math.min(source.length, Math.floor(maxChars));
    return `The article, titled ${JSON.stringify(title)}:\n${fenced('article', condense(source, maxChars))}\n\n${ask}`;
  };

  return {
    async run(callOptions = {}) {
      const { object, usage } = await callWriter(
        deps,
        caller,
        {
          purpose: { kind: 'remix', id: article.id, step: format.id },
          system,
          prompt: build(source.length),
          // The article is condensed to what the model's context leaves room for (every heading kept).
          // Condensing starts near the budget, not at the whole article: each try tokenizes the
          // prompt on this thread, and from 500,000 characters down by 0.7 a try stalled it 1.3 s.
          fit: (budget) =>
            fitQuotes(budget, system, build, Math.min(source.length, budget * charsPerTokenAtMost)),
          schema: format.schema,
          schemaName: format.id.replaceAll('-', '_'),
          maxOutputTokens: format.maxOutputTokens(options),
          temperature: 0.6,
          tooLongAt: 'format',
        },
        callOptions,
      );
      return {
        format: format.id,
        articleId: article.id,
        ...format.finish(object, options),
        condensed: quotedChars < source.length,
        usage,
      };
    },
  };
}
