// Editor › regenerate one part — the introduction, a section, the conclusion or the FAQ — with an
// optional instruction ("shorter", "add an example"). The result comes back as a proposal shown
// before/after with word counts; Accept puts it in (the text before is kept in Versions), Discard
// leaves the article as it is.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Article, api } from '../../api.ts';
import { Link } from '../../router.tsx';
import { ErrorBox, Notice, useAction } from '../../ui.tsx';

const maxInstruction = 500;

type Regeneration = NonNullable<Article['regeneration']>;
type Proposal = NonNullable<Regeneration['proposal']>;

function partsOf(article: Article) {
  return [
    { value: 'intro', label: 'Introduction' },
    ...article.sections.map((s) => ({ value: String(s.index), label: `${s.index + 1}. ${s.heading}` })),
    { value: 'conclusion', label: 'Conclusion' },
    ...(article.outline?.faq?.length ? [{ value: 'faq', label: 'FAQ' }] : []),
  ];
}

type Part = 'intro' | 'conclusion' | 'faq' | number;
// The picker holds strings; the API takes a body section by its index, a number.
const partParam = (value: string): Part => (/^\d+$/.test(value) ? Number(value) : (value as Part));

const words = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'word' : 'words'}`;

export function RegeneratePanel({
  article,
  reload,
  onChange,
  dirty = false,
}: {
  article: Article;
  reload: () => Promise<void>;
  /** The article with a change made here that leaves its text as it is. */
  onChange: (a: Article) => void;
  /** The editor holds unsaved edits: a regeneration would build on (and replace) the saved text. */
  dirty?: boolean;
}) {
  const parts = partsOf(article);
  const [part, setPart] = useState(article.sections.length > 0 ? '0' : 'intro');
  const [instruction, setInstruction] = useState('');
  const [running, setRunning] = useState(false);
  const start = useAction();
  const decide = useAction();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const wait = () => {
    const poll = async () => {
      try {
        const a = await api('GET', '/api/v1/articles/{id}', { params: { id: article.id } });
        if (a.status === 'queued' || a.status === 'running') {
          timer.current = window.setTimeout(poll, 1000);
          return;
        }
        setRunning(false);
        await reload();
      } catch (e) {
        setRunning(false);
        start.setError(e);
      }
    };
    timer.current = window.setTimeout(poll, 500);
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    decide.setNotice('');
    void start.run(async () => {
      await api('POST', '/api/v1/articles/{id}/sections/{section}/regenerate', {
        params: { id: article.id, section: partParam(part) },
        body: { review: true, ...(instruction.trim() ? { instruction: instruction.trim() } : {}) },
      });
      setRunning(true);
      wait();
    });
  };

  const accept = () =>
    void decide.run(async () => {
      await api('POST', '/api/v1/articles/{id}/regeneration/accept', { params: { id: article.id } });
      await reload();
    }, 'Accepted. The text before is kept in Versions.');
  const discard = () =>
    void decide.run(async () => {
      await api('DELETE', '/api/v1/articles/{id}/regeneration', { params: { id: article.id } });
      // Not reloaded: the stored text may be a colleague's save, which would replace unsaved edits.
      onChange({ ...article, regeneration: null });
    }, 'Discarded. The article is unchanged.');

  const pending = article.regeneration?.state === 'proposed' ? article.regeneration : null;
  const busy = running || start.busy || article.status === 'queued' || article.status === 'running';
  // A regeneration asked for here that ended without a proposal failed; the article is unchanged.
  const failed = !running && start.notice === '' && !pending && article.error;

  return (
    <div className="form">
      <form onSubmit={submit} noValidate aria-label="Regenerate a part">
        <label htmlFor="regen-section">Part</label>
        <select id="regen-section" value={part} onChange={(e) => setPart(e.target.value)}>
          {parts.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <label htmlFor="regen-instruction">Instruction (optional)</label>
        <textarea
          id="regen-instruction"
          rows={2}
          maxLength={maxInstruction}
          value={instruction}
          placeholder="e.g. shorter, add an example, friendlier tone"
          aria-describedby="regen-instruction-hint"
          onChange={(e) => setInstruction(e.target.value)}
        />
        <p className="hint" id="regen-instruction-hint">
          What to change, in your words. You see the new text next to the old one before anything changes.
        </p>
        {dirty && (
          <p className="warning">Save your edits first: the new text is written from the saved article.</p>
        )}
        <div className="actions">
          <button type="submit" disabled={busy || dirty}>
            {busy ? 'Regenerating…' : 'Regenerate part'}
          </button>
        </div>
      </form>
      <p role="status">
        {busy ? (
          <>
            Rewriting… <Link to={`/articles/${article.id}/live`}>Watch it live</Link>
          </>
        ) : (
          ''
        )}
      </p>
      <ErrorBox error={start.error} />
      {failed && (
        <p className="warning" role="alert">
          The regeneration failed: {article.error} The article is unchanged.
        </p>
      )}
      {pending?.proposal && (
        <ProposalView
          regeneration={pending}
          proposal={pending.proposal}
          busy={decide.busy}
          dirty={dirty}
          onAccept={accept}
          onDiscard={discard}
        />
      )}
      <ErrorBox error={decide.error} />
      <Notice>{decide.notice}</Notice>
    </div>
  );
}

function ProposalView({
  regeneration,
  proposal,
  busy,
  dirty,
  onAccept,
  onDiscard,
}: {
  regeneration: Regeneration;
  proposal: Proposal;
  busy: boolean;
  /** Accepting reloads the article: unsaved edits in the editor would be lost. */
  dirty: boolean;
  onAccept: () => void;
  onDiscard: () => void;
}) {
  const change = proposal.wordsAfter - proposal.wordsBefore;
  return (
    <section className="proposal" aria-labelledby="proposal-heading" data-testid="regeneration-proposal">
      <h3 id="proposal-heading">New text for “{regeneration.label}”</h3>
      {regeneration.instruction && <p className="meta">Instruction: {regeneration.instruction}</p>}
      <p data-testid="proposal-words">
        {words(proposal.wordsBefore)} → {words(proposal.wordsAfter)} (
        {change === 0 ? 'same length' : `${change > 0 ? '+' : '−'}${Math.abs(change).toLocaleString('en')}`})
      </p>
      <div className="grid-2">
        <div>
          <h4 id="proposal-before">Before · {words(proposal.wordsBefore)}</h4>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling text must be reachable by keyboard */}
          <section className="diff" tabIndex={0} aria-labelledby="proposal-before">
            {proposal.before}
          </section>
        </div>
        <div>
          <h4 id="proposal-after">After · {words(proposal.wordsAfter)}</h4>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling text must be reachable by keyboard */}
          <section className="diff" tabIndex={0} aria-labelledby="proposal-after">
            {proposal.after}
          </section>
        </div>
      </div>
      {proposal.stale && (
        <p className="warning">
          The article was edited after this text was written: discard it and regenerate to build on your edit.
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onAccept} disabled={busy || dirty || proposal.stale}>
          Accept
        </button>
        <button type="button" className="secondary" onClick={onDiscard} disabled={busy}>
          Discard
        </button>
      </div>
    </section>
  );
}
