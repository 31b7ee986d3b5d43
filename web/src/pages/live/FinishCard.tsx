// The end of a run: what came out (words, SEO score, claims, cost) and where to go next. A failed
// or cancelled run can be started again with the same brief.
import { useRef, useState } from 'react';
import { type Article, api } from '../../api.ts';
import { randomKey } from '../../idempotency-key.ts';
import { navigate } from '../../router.tsx';
import { FormError } from '../../ui.tsx';

export function FinishCard({ article, status, cost }: { article: Article; status: string; cost: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const claims = article.factCheck?.claims ?? [];
  const supported = claims.filter((c) => c.verdict === 'supported').length;
  const empty = article.wordCount === 0;

  // One run started again from this card, however often the button is pressed after a lost answer.
  const key = useRef(randomKey());
  const again = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api('POST', '/api/v1/articles', {
        body: article.brief,
        headers: { 'idempotency-key': key.current },
      });
      navigate(`/articles/${created.id}/live`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card finish-card" aria-labelledby="finish-heading" data-testid="finish-card">
      <h2 id="finish-heading">
        {status === 'completed'
          ? 'Your article is ready'
          : status === 'cancelled'
            ? 'Generation cancelled'
            : 'Generation failed'}
      </h2>
      <dl className="facts">
        <div>
          <dt>Words</dt>
          <dd>{article.wordCount.toLocaleString()}</dd>
        </div>
        {article.seo && (
          <div>
            <dt>SEO score</dt>
            <dd>{article.seo.score}/100</dd>
          </div>
        )}
        {claims.length > 0 && (
          <div>
            <dt>Claims checked</dt>
            <dd>
              {supported} supported, {claims.length - supported} not supported
            </dd>
          </div>
        )}
        <div>
          <dt>Cost</dt>
          <dd>{cost}</dd>
        </div>
      </dl>
      {empty && (
        <p className="hint">
          Nothing was written{article.error ? `: ${article.error}` : ''}. The editor opens empty; start again
          to write it.
        </p>
      )}
      {/* This card has no form: the brief's refusals (a document gone, web research off) are listed. */}
      <FormError error={error} fields={[]} />
      <div className="actions">
        <button type="button" onClick={() => navigate(`/articles/${article.id}`)}>
          Open in editor
        </button>
        {status !== 'completed' && (
          <button type="button" className="secondary" onClick={again} disabled={busy}>
            {busy ? 'Starting…' : 'Start again with the same brief'}
          </button>
        )}
      </div>
    </section>
  );
}
