// Editor › regenerate one section.
import { useEffect, useRef, useState } from 'react';
import { type Article, api } from '../../api.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox } from '../../ui.tsx';

export function RegeneratePanel({ article, reload }: { article: Article; reload: () => Promise<void> }) {
  const [index, setIndex] = useState<number>(article.sections[0]?.index ?? 0);
  const [state, setState] = useState<'idle' | 'running' | 'done'>('idle');
  const [error, setError] = useState<unknown>();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  if (article.sections.length === 0) return <Empty>This article has no sections to regenerate.</Empty>;
  const start = async () => {
    setError(undefined);
    setState('running');
    try {
      await api('POST', '/api/v1/articles/{id}/sections/{index}/regenerate', {
        params: { id: article.id, index: String(index) },
      });
      const poll = async () => {
        try {
          const a = await api('GET', '/api/v1/articles/{id}', { params: { id: article.id } });
          if (a.status === 'queued' || a.status === 'running') {
            timer.current = window.setTimeout(poll, 1000);
            return;
          }
          setState('done');
          await reload();
        } catch (e) {
          setError(e);
          setState('idle');
        }
      };
      timer.current = window.setTimeout(poll, 500);
    } catch (e) {
      setError(e);
      setState('idle');
    }
  };
  return (
    <div className="form">
      <label htmlFor="regen-section">Section</label>
      <select id="regen-section" value={index} onChange={(e) => setIndex(Number(e.target.value))}>
        {article.sections.map((s) => (
          <option key={s.index} value={s.index}>
            {s.index + 1}. {s.heading}
          </option>
        ))}
      </select>
      <p className="hint">A new run rewrites this section; the current text is kept as a version.</p>
      <div className="actions">
        <button type="button" onClick={start} disabled={state === 'running'}>
          {state === 'running' ? 'Regenerating…' : 'Regenerate section'}
        </button>
      </div>
      <p role="status">
        {state === 'running' ? (
          <>
            Rewriting the section… <Link to={`/articles/${article.id}/live`}>Watch it live</Link>
          </>
        ) : state === 'done' ? (
          'Section regenerated. The previous text is kept in Versions.'
        ) : (
          ''
        )}
      </p>
      <ErrorBox error={error} />
    </div>
  );
}
