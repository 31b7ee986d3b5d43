// Watching an article being written: step timeline, text as it streams, sources as they are found,
// running cost, cancel. The event stream replays from the start, so a reload rebuilds the view, and
// EventSource resumes with Last-Event-ID by itself after a dropped connection.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type Article, api, type Source, type Step, type StepStatus, usd } from '../api.ts';
import type { ArticleEventData, ArticleEventType } from '../article-events.ts';
import { renderMarkdown } from '../markdown.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorBox, Loading, StatusBadge, usePageTitle } from '../ui.tsx';

interface LiveState {
  status: string;
  steps: Step[];
  parts: Map<string, string>;
  sources: Source[];
  costUsd: number;
  tokens: { input: number; output: number };
  /** The server reported no usage: the counts are a tokenizer's estimate. */
  estimated: boolean;
  /** The latest reasoning of a reasoning model (never part of the article). */
  thinking: string;
  error: string | null;
  done: boolean;
}

const finished = (s: string) => s === 'completed' || s === 'failed' || s === 'cancelled';

function partOrder(part: string): number {
  if (part === 'intro') return -1;
  if (part === 'conclusion') return 10_000;
  if (part === 'faq') return 10_001;
  const n = /^section:(\d+)$/.exec(part)?.[1];
  return n === undefined ? 9_999 : Number(n);
}

const stepNames: Record<string, string> = {
  plan: 'Plan the research',
  gather: 'Gather sources',
  outline: 'Outline',
  intro: 'Introduction',
  conclusion: 'Conclusion',
  faq: 'FAQ',
  factcheck: 'Fact check',
  citations: 'Check citations',
  seo: 'SEO pack',
};

export function stepLabel(name: string, sections: Array<{ index: number; heading: string }> = []) {
  const m = /^section:(\d+)(#r\d+)?$/.exec(name);
  if (m) {
    const heading = sections.find((s) => s.index === Number(m[1]))?.heading;
    return `Section ${Number(m[1]) + 1}${heading ? `: ${heading}` : ''}${m[2] ? ' (rewrite)' : ''}`;
  }
  return stepNames[name] ?? name.replace(/[_.:-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

// A step first seen in the event stream, before the article is re-read.
const newStep: Step = {
  name: '',
  status: 'pending',
  attempts: 0,
  error: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  usageEstimated: false,
  outputRungs: [],
  startedAt: null,
  finishedAt: null,
};

function upsertStep(steps: Step[], name: string, patch: Partial<Step>): Step[] {
  const i = steps.findIndex((s) => s.name === name);
  if (i === -1) return [...steps, { ...newStep, name, ...patch }];
  const next = [...steps];
  next[i] = { ...next[i]!, ...patch };
  return next;
}

export function LiveGeneration({ id }: { id: string }) {
  const [article, setArticle] = useState<Article>();
  const [loadError, setLoadError] = useState<unknown>();
  const [live, setLive] = useState<LiveState>({
    status: 'queued',
    steps: [],
    parts: new Map(),
    sources: [],
    costUsd: 0,
    tokens: { input: 0, output: 0 },
    estimated: false,
    thinking: '',
    error: null,
    done: false,
  });
  const [connection, setConnection] = useState<'connecting' | 'open' | 'retrying' | 'closed'>('connecting');
  const [cancelling, setCancelling] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  usePageTitle(article ? `Writing: ${article.title || article.brief.topic}` : 'Writing');

  const refresh = useRef(async () => {});
  refresh.current = async () => {
    try {
      const a = await api('GET', '/api/v1/articles/{id}', { params: { id } });
      setArticle(a);
      setLive((s) => ({
        ...s,
        steps: a.steps.reduce(
          (acc, step) => upsertStep(acc, step.name, s.done ? step : { ...step, ...pick(acc, step.name) }),
          s.steps,
        ),
        sources: s.sources.length >= a.sources.length ? s.sources : a.sources,
        status: s.done ? a.status : s.status === 'queued' ? a.status : s.status,
      }));
    } catch (e) {
      setLoadError(e);
    }
  };

  useEffect(() => {
    void refresh.current();
    const es = new EventSource(`/api/v1/articles/${id}/events`);
    const data = <T extends ArticleEventType>(e: Event) =>
      JSON.parse((e as MessageEvent<string>).data) as ArticleEventData<T>;
    es.onopen = () => setConnection('open');
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? 'closed' : 'retrying');
    es.addEventListener('status', (e) => {
      const d = data<'status'>(e);
      setLive((s) => {
        // A section regeneration rewrites that part from scratch.
        if (typeof d.regenerating !== 'number') return { ...s, status: String(d.status) };
        const parts = new Map(s.parts);
        parts.delete(`section:${d.regenerating}`);
        return { ...s, status: String(d.status), parts, done: false };
      });
    });
    es.addEventListener('step.started', (e) => {
      const d = data<'step.started'>(e);
      setLive((s) => ({
        ...s,
        status: 'running',
        steps: upsertStep(s.steps, String(d.step), { status: 'running' }),
      }));
    });
    es.addEventListener('step.finished', (e) => {
      const d = data<'step.finished'>(e);
      setLive((s) => ({
        ...s,
        steps: upsertStep(s.steps, String(d.step), {
          status: (d.status as StepStatus) ?? 'completed',
          costUsd: Number(d.costUsd ?? 0),
        }),
      }));
      void refresh.current();
    });
    es.addEventListener('source.found', (e) => {
      const d = data<'source.found'>(e) as Source;
      setLive((s) =>
        s.sources.some((x) => x.n === d.n)
          ? s
          : { ...s, sources: [...s.sources, d].sort((a, b) => a.n - b.n) },
      );
    });
    es.addEventListener('section.delta', (e) => {
      const d = data<'section.delta'>(e);
      const part = String(d.part ?? (d.index !== undefined ? `section:${d.index}` : 'body'));
      setLive((s) => {
        const parts = new Map(s.parts);
        parts.set(part, (parts.get(part) ?? '') + String(d.text ?? ''));
        return { ...s, parts };
      });
    });
    es.addEventListener('section.thinking', (e) => {
      const text = String(data<'section.thinking'>(e).text ?? '');
      setLive((s) => ({ ...s, thinking: (s.thinking + text).slice(-400) }));
    });
    es.addEventListener('cost', (e) => {
      const d = data<'cost'>(e);
      setLive((s) => ({
        ...s,
        costUsd: Number(d.costUsd ?? s.costUsd),
        tokens: { input: Number(d.inputTokens ?? 0), output: Number(d.outputTokens ?? 0) },
        estimated: s.estimated || d.estimated === true,
      }));
    });
    es.addEventListener('error', (e) => {
      // Named server `error` events carry data; connection errors (plain Event) do not.
      if (!(e instanceof MessageEvent)) return;
      const d = data<'error'>(e);
      setLive((s) => ({ ...s, error: String(d.message ?? 'The generation failed') }));
    });
    es.addEventListener('done', async (e) => {
      const d = data<'done'>(e);
      setLive((s) => ({ ...s, status: String(d.status ?? s.status), done: true }));
      // A replay can hold the `done` of an earlier run while a regeneration is under way: then the
      // stream is left to reconnect (EventSource sends Last-Event-ID) and carries on with the new run.
      const current = await api('GET', '/api/v1/articles/{id}', { params: { id } }).catch(() => undefined);
      if (!current || finished(current.status)) {
        es.close();
        setConnection('closed');
      }
      void refresh.current();
    });
    return () => es.close();
  }, [id]);

  const status = live.status;

  const parts = useMemo(
    () => [...live.parts.entries()].sort((a, b) => partOrder(a[0]) - partOrder(b[0])),
    [live.parts],
  );
  const headingOf = (part: string) => {
    if (part === 'intro') return 'Introduction';
    if (part === 'conclusion') return 'Conclusion';
    if (part === 'faq') return 'FAQ';
    const n = Number(/^section:(\d+)$/.exec(part)?.[1]);
    return article?.sections.find((s) => s.index === n)?.heading ?? `Section ${n + 1}`;
  };

  const cancel = async () => {
    setCancelling(true);
    setActionError(undefined);
    try {
      await api('POST', '/api/v1/articles/{id}/cancel', { params: { id } });
    } catch (e) {
      setActionError(e);
    } finally {
      setCancelling(false);
    }
  };

  if (loadError) return <ErrorBox error={loadError} />;
  if (!article) return <Loading label="Loading article…" />;
  const cost = Math.max(live.costUsd, live.done ? article.usage.costUsd : 0);
  const completedSteps = live.steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length;

  return (
    <>
      <div className="page-head">
        <h1 className="break">{article.title || article.brief.topic}</h1>
        <div className="actions">
          {!finished(status) && (
            <button type="button" className="danger" onClick={cancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          {finished(status) && (
            <button type="button" onClick={() => navigate(`/articles/${id}`)}>
              Open in editor
            </button>
          )}
        </div>
      </div>
      <p className="sr-only" role="status">
        {finished(status) ? `Generation ${status}.` : status === 'running' ? 'Generation running.' : ''}
      </p>
      <p className="live-summary">
        <StatusBadge status={status} /> {completedSteps}/{live.steps.length || '…'} steps · running cost{' '}
        <strong data-testid="running-cost">{usd(cost)}</strong>
        {live.tokens.input + live.tokens.output > 0 && (
          <span className="meta">
            {' '}
            ({live.tokens.input.toLocaleString()} in / {live.tokens.output.toLocaleString()} out tokens
            {live.estimated ? ', estimated' : ''})
          </span>
        )}
        {connection === 'retrying' && <span className="meta"> · reconnecting…</span>}
      </p>
      {live.thinking && !finished(status) && (
        <p className="meta live-thinking" aria-live="off">
          Model is thinking: …{live.thinking}
        </p>
      )}
      <ErrorBox error={actionError} />
      {(live.error || article.error) && (
        <p className="error-box" role="alert">
          {live.error ?? article.error}
        </p>
      )}
      <div className="live-grid">
        <section className="card" aria-labelledby="steps-heading">
          <h2 id="steps-heading">Steps</h2>
          {live.steps.length === 0 ? (
            <Loading label="Waiting for the pipeline…" />
          ) : (
            <ol className="timeline">
              {live.steps.map((s) => (
                <li
                  key={s.name}
                  className={`step step-${s.status}`}
                  data-step={s.name}
                  data-status={s.status}
                >
                  <span className="step-dot" aria-hidden="true" />
                  <span className="step-name break">{stepLabel(s.name, article.sections)}</span>
                  <span className="meta">
                    {s.status}
                    {s.costUsd > 0 ? ` · ${usd(s.costUsd)}` : ''}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="card draft" aria-labelledby="draft-heading" aria-busy={!finished(status)}>
          <h2 id="draft-heading">Draft</h2>
          {parts.length === 0 ? (
            <p className="hint">
              {finished(status) ? 'Nothing was written.' : 'The text appears here as it is written.'}
            </p>
          ) : (
            parts.map(([part, text]) => (
              <article key={part} className="draft-part" data-part={part}>
                <h3>{headingOf(part)}</h3>
                {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by renderMarkdown (DOMPurify) */}
                <div className="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />
              </article>
            ))
          )}
        </section>
        <section className="card" aria-labelledby="sources-heading">
          <h2 id="sources-heading">Sources ({live.sources.length})</h2>
          {live.sources.length === 0 ? (
            <p className="hint">
              {finished(status)
                ? 'No sources: the article is ungrounded.'
                : 'Sources appear as they are found.'}
            </p>
          ) : (
            <ol className="sources">
              {live.sources.map((s) => (
                <SourceItem key={s.n} source={s} />
              ))}
            </ol>
          )}
        </section>
      </div>
      <p>
        <Link to="/library">Back to the library</Link>
      </p>
    </>
  );
}

function pick(steps: Step[], name: string): Partial<Step> {
  const s = steps.find((x) => x.name === name);
  return s && s.status !== 'pending' ? { status: s.status } : {};
}

export function SourceItem({ source }: { source: Source }) {
  return (
    <li id={`source-${source.n}`} value={source.n} className="source">
      <strong className="break">
        [{source.n}]{' '}
        {source.url && /^https?:\/\//.test(source.url) ? (
          <a href={source.url} target="_blank" rel="noopener noreferrer nofollow">
            {source.title || source.url}
          </a>
        ) : (
          source.title
        )}
      </strong>
      {(source.page || source.headingPath?.length) && (
        <span className="meta">
          {' '}
          {source.headingPath?.join(' › ')}
          {source.page ? ` · page ${source.page}` : ''}
        </span>
      )}
      <blockquote className="excerpt">{source.excerpt}</blockquote>
    </li>
  );
}
