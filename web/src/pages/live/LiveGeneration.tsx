// Watching an article being written: the topic, planned and finished steps, the text as it
// streams, sources as they are found, pace and time left, running cost; cancel (after asking);
// at the end a summary with the way to the editor.
import { useEffect, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { costText } from '../../components/prices.ts';
import { Link } from '../../router.tsx';
import { ErrorBox, Loading, StatusBadge, usePageTitle } from '../../ui.tsx';
import { DraftView } from './DraftView.tsx';
import { FinishCard } from './FinishCard.tsx';
import { finished, pace } from './live-events.ts';
import { SourcesPanel } from './SourcesPanel.tsx';
import { StepList } from './StepList.tsx';
import { plannedSteps } from './steps.ts';
import { useLiveArticle } from './useLiveArticle.ts';

const duration = (seconds: number) =>
  seconds < 60 ? `${Math.ceil(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;

/** Re-renders every second while `active`, so the pace and time left stay current. */
function useTick(active: boolean) {
  const [, setNow] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
}

export function LiveGeneration({ id }: { id: string }) {
  const { article, loadError, live, connection } = useLiveArticle(id);
  const [cancelling, setCancelling] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const status = live.status;
  const done = finished(status);
  useTick(!done);
  usePageTitle(article ? `Writing: ${article.brief.topic}` : 'Writing');

  const cancel = async () => {
    if (!window.confirm('Cancel this article? What is written so far is kept, the rest is not written.'))
      return;
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

  // An article that is gone (deleted) ends the view; a read that failed once (a blip, a restart)
  // is said above the view, which the stream goes on filling, until a later read succeeds.
  const gone = loadError instanceof ApiError && loadError.status === 404;
  if (loadError && (gone || !article)) return <ErrorBox error={loadError} />;
  if (!article) return <Loading label="Loading article…" />;
  const costUsd = Math.max(live.costUsd, live.done ? article.usage.costUsd : 0);
  const tokens = live.tokens.input + live.tokens.output;
  // Either says so: the running total's events, or the article read (a run resumed after the model was priced).
  const cost = costText(costUsd, live.costKnown && article.usage.costKnown);
  const steps = plannedSteps(live.steps, article.brief);
  const completed = steps.filter((s) => s.status === 'completed' || s.status === 'skipped').length;
  const speed = done ? null : pace(live, article.brief.words ?? 1500);

  return (
    <>
      <div className="page-head">
        <div>
          {/* The heading stays the topic for the whole run; the model's title is shown under it. */}
          <h1 className="break">{article.brief.topic}</h1>
          {article.title && article.title !== article.brief.topic && (
            <p className="meta break subtitle">{article.title}</p>
          )}
        </div>
        <div className="actions">
          {!done && (
            <button type="button" className="danger" onClick={cancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
      </div>
      <p className="sr-only" role="status">
        {done ? `Generation ${status}.` : status === 'running' ? 'Generation running.' : ''}
      </p>
      <p className="live-summary">
        <StatusBadge status={status} /> {completed} of {steps.length} steps · running cost{' '}
        <strong data-testid="running-cost">{cost}</strong>
        {tokens > 0 && (
          <span className="meta">
            {' '}
            ({live.tokens.input.toLocaleString()} in / {live.tokens.output.toLocaleString()} out tokens
            {live.estimated ? ', estimated' : ''})
          </span>
        )}
        {speed && (
          <span className="meta" data-testid="pace">
            {' '}
            · {Math.round(speed.tokensPerSecond)} tokens/s · about {duration(speed.secondsLeft)} of writing
            left
          </span>
        )}
        {connection === 'retrying' && <span className="meta"> · reconnecting…</span>}
      </p>
      {live.thinking && !done && (
        <p className="meta live-thinking" aria-live="off">
          Model is thinking: …{live.thinking}
        </p>
      )}
      <ErrorBox error={actionError} />
      <ErrorBox error={loadError} />
      {(live.error || article.error) && (
        <p className="error-box" role="alert">
          {live.error ?? article.error}
        </p>
      )}
      {done && <FinishCard article={article} status={status} cost={cost} />}
      <div className="live-grid">
        <StepList steps={steps} article={article} />
        <DraftView parts={live.parts} article={article} finished={done} />
        <SourcesPanel sources={live.sources} finished={done} />
      </div>
      <p>
        <Link to="/library">Back to the library</Link>
      </p>
    </>
  );
}
