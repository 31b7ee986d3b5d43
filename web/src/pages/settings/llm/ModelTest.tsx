// "Test models": one tiny real call per model. Its own busy state, so other forms stay usable.
import { useCallback, useState } from 'react';
import { api, type ModelCheck } from '../../../api.ts';
import { ErrorBox } from '../../../ui.tsx';

export function useModelTest() {
  const [results, setResults] = useState<ModelCheck[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async () => {
    setBusy(true);
    setResults(undefined);
    setError(undefined);
    try {
      setResults((await api('POST', '/api/v1/llm/check')).items);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { results, busy, error, run };
}

export function ModelTest({ test }: { test: ReturnType<typeof useModelTest> }) {
  const { results } = test;
  return (
    <div className="model-test">
      <div className="actions">
        <button type="button" className="secondary" onClick={() => void test.run()} disabled={test.busy}>
          {test.busy ? 'Testing…' : 'Test models'}
        </button>
      </div>
      <ErrorBox error={test.error} />
      {results && (
        <ul className="list" aria-label="Model test results" data-testid="model-check" aria-live="polite">
          {results.length === 0 && <li>Nothing to test yet: connect a provider and pick a model.</li>}
          {results.map((r) => (
            <li key={`${r.kind}-${r.model}`}>
              <span className={`badge ${r.ok ? 'status-completed' : 'status-failed'}`}>
                {r.ok ? 'works' : 'failed'}
              </span>{' '}
              <span className="break">
                {r.model} ({r.kind}) · {r.latencyMs} ms
              </span>
              {r.error && <p className="field-error break">{r.error}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
