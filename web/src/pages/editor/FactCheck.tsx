// Editor › fact check: passages that read like instructions to a model (flagged for review), and the
// claims with their verdicts in the article's numbering. A claim's text shows its sentence in the
// editor; its actions accept the revision, remove the sentence or mark it as checked.
import { type Article, api } from '../../api.ts';
import { Empty, ErrorBox, Notice, useAction } from '../../ui.tsx';
import { CiteButtons } from './CiteButtons.tsx';

type Claim = NonNullable<Article['factCheck']>['claims'][number];
type Flag = Article['instructionFlags'][number];
type ClaimAction = 'accept' | 'remove' | 'check';

export interface Place {
  text: string;
  start: number;
  end: number;
}

const reviewLabels = { accepted: 'revision accepted', removed: 'removed', checked: 'checked' } as const;
const successes: Record<ClaimAction, string> = {
  accept: 'Revision accepted. The previous text is kept in Versions.',
  remove: 'Sentence removed. The previous text is kept in Versions.',
  check: 'Marked as checked.',
};

export function FactCheckPanel({
  article,
  dirty,
  onSelect,
  onLocate,
  onChange,
}: {
  article: Article;
  /** Unsaved edits: an action that changes the text would replace them, so it waits for a save. */
  dirty: boolean;
  onSelect: (n: number) => void;
  onLocate: (place: Place) => void;
  onChange: (a: Article) => void;
}) {
  const action = useAction();
  const claimAction = (c: Claim, act: ClaimAction) => {
    if (
      act === 'remove' &&
      !window.confirm(`Remove this sentence from the article?\n\n${c.location?.text ?? ''}`)
    )
      return;
    void action
      .run(
        () =>
          api('POST', '/api/v1/articles/{id}/claims/{claimId}', {
            params: { id: article.id, claimId: c.id },
            body: { action: act },
          }),
        successes[act],
      )
      .then((a) => a && onChange(a));
  };
  const removeFlag = (f: Flag) => {
    if (!window.confirm(`Remove this passage from the article?\n\n${f.text}`)) return;
    void action
      .run(
        () =>
          api('POST', '/api/v1/articles/{id}/instruction-flags/remove', {
            params: { id: article.id },
            body: { text: f.text },
          }),
        'Passage removed. The previous text is kept in Versions.',
      )
      .then((a) => a && onChange(a));
  };

  const known = new Set(article.sources.map((s) => s.n));
  const flags = article.instructionFlags;
  // One entry per passage: a copied instruction can occur more than once, and Remove takes them all.
  const inArticle = flags.filter(
    (f, i) => f.in === 'article' && flags.findIndex((g) => g.in === 'article' && g.text === f.text) === i,
  );
  const inSources = flags.filter((f) => f.in === 'source');
  const editsWait = dirty ? 'Save your changes first: this action changes the saved text.' : undefined;

  return (
    <div className="fact-check">
      <ErrorBox error={action.error} />
      <Notice>{action.notice}</Notice>
      {dirty && <p className="hint">You have unsaved changes: save them before accepting or removing.</p>}
      {flags.length > 0 && (
        <section className="warning-section" aria-labelledby="flags-heading">
          <h3 id="flags-heading">Review: text that reads like instructions to a model</h3>
          <p className="hint">
            A source or a model can plant lines such as “ignore all previous instructions”. They were never
            obeyed, but they should not be published. Exports carry a warning while any is in the text.
          </p>
          {inArticle.length > 0 && (
            <ul className="claims" aria-label="Flagged passages in the article">
              {inArticle.map((f) => (
                <li key={`a-${f.text}`} className="claim flagged">
                  <span className="badge verdict-contradicted">in the article</span>{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => onLocate({ text: f.text, start: f.start ?? 0, end: f.end ?? 0 })}
                  >
                    {f.text}
                  </button>
                  <p className="meta">{f.reason}</p>
                  <div className="actions">
                    <button
                      type="button"
                      className="danger small"
                      disabled={action.busy || dirty}
                      title={editsWait}
                      onClick={() => removeFlag(f)}
                    >
                      Remove passage
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {inSources.length > 0 && (
            <ul className="claims" aria-label="Flagged passages in sources">
              {inSources.map((f, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: two sources may carry the same text
                <li key={i} className="claim">
                  <span className="badge verdict-unsupported">in source {f.source}</span> {f.text}{' '}
                  {f.source !== undefined && known.has(f.source) && (
                    <CiteButtons sources={[f.source]} onSelect={onSelect} />
                  )}
                  <p className="meta">{f.reason}. Check what the article took from this source.</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <h3>Claims</h3>
      {!article.factCheck ? (
        <Empty>Fact checking was off for this article.</Empty>
      ) : article.factCheck.claims.length === 0 ? (
        <Empty>No checkable claims were found.</Empty>
      ) : (
        <>
          <p className="meta" data-testid="claims-summary">
            {summary(article.factCheck.claims)}
          </p>
          <ul className="claims">
            {failedFirst(article.factCheck.claims).map((c) => (
              <li key={c.id} className={`claim verdict-${c.verdict}`} data-claim={c.id}>
                <span className={`badge verdict-${c.verdict}`}>{c.verdict}</span>{' '}
                {c.review && <span className="badge status-completed">{reviewLabels[c.review.action]}</span>}{' '}
                {c.location ? (
                  <button
                    type="button"
                    className="link"
                    aria-label={`Show in the text: ${c.claim}`}
                    onClick={() => c.location && onLocate(c.location)}
                  >
                    {c.claim}
                  </button>
                ) : (
                  <span>{c.claim}</span>
                )}{' '}
                {/* Only numbers the article's source list has: a claim never points at a source that is not there. */}
                <CiteButtons sources={c.sources.filter((n) => known.has(n))} onSelect={onSelect} />
                {c.note && <p className="meta">{c.note}</p>}
                {c.revision && (
                  <p className="meta revision">
                    Revised by the fact check: <del>{c.revision.before}</del>{' '}
                    {c.revision.after ? (
                      <>
                        → <ins>{c.revision.after}</ins>
                      </>
                    ) : (
                      '(removed)'
                    )}
                  </p>
                )}
                {!c.location && c.review?.action !== 'removed' && (
                  <p className="meta">This sentence is no longer in the text.</p>
                )}
                {c.review?.action !== 'removed' && (
                  <div className="actions">
                    {c.revision && c.review?.action !== 'accepted' && (
                      <button
                        type="button"
                        className="secondary small"
                        disabled={action.busy || dirty}
                        title={editsWait}
                        onClick={() => claimAction(c, 'accept')}
                      >
                        Accept revision
                      </button>
                    )}
                    {c.location && (
                      <button
                        type="button"
                        className="danger small"
                        disabled={action.busy || dirty}
                        title={editsWait}
                        onClick={() => claimAction(c, 'remove')}
                      >
                        Remove sentence
                      </button>
                    )}
                    {c.review?.action !== 'checked' && (
                      <button
                        type="button"
                        className="secondary small"
                        disabled={action.busy}
                        onClick={() => claimAction(c, 'check')}
                      >
                        Mark as checked
                      </button>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

// What needs a look comes first: claims the sources do not support, in their order.
const failedFirst = (claims: readonly Claim[]) =>
  [...claims].sort((a, b) => Number(a.verdict === 'supported') - Number(b.verdict === 'supported'));

function summary(claims: readonly Claim[]): string {
  const failed = claims.filter((c) => c.verdict !== 'supported').length;
  const revised = claims.filter((c) => c.revision).length;
  const reviewed = claims.filter((c) => c.review).length;
  return [
    `${claims.length} ${claims.length === 1 ? 'claim' : 'claims'}`,
    `${failed} not supported by the sources${revised ? ` (${revised} revised)` : ''}`,
    `${reviewed} reviewed`,
  ].join(' · ');
}
