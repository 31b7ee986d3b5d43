// Recent articles and this month's LLM usage and cost by model, and by member when more than one
// spent (an article's calls count for the member who asked for it).
import { ApiError, api, usd, when } from '../api.ts';
import { UsageTable } from '../components/UsageTable.tsx';
import { Link } from '../router.tsx';
import { Empty, ErrorBox, Loading, StatusBadge, useLoad, usePageTitle } from '../ui.tsx';

export function articleHref(a: { id: string; status: string }) {
  return a.status === 'queued' || a.status === 'running' ? `/articles/${a.id}/live` : `/articles/${a.id}`;
}

export function Dashboard() {
  usePageTitle('Dashboard');
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
  const noModel = providers.data !== undefined && providers.data.roles.writer.length === 0;
  const recent = useLoad(() => api('GET', '/api/v1/articles', { query: { limit: 5 } }), []);
  const usage = useLoad(async () => {
    const summary = await api('GET', '/api/v1/usage/summary');
    const [byModel, byMember] = await Promise.all(
      (['model', 'user'] as const).map((groupBy) =>
        api('GET', '/api/v1/usage', { query: { groupBy, from: summary.monthStart } }),
      ),
    );
    return { summary, byModel: byModel!.items, byMember: byMember!.items };
  }, []);
  // Calls whose model has no price add nothing to the total: said, so the total is not read as all.
  const unpricedCalls = usage.data?.byModel.reduce((n, row) => n + row.unknownCostCalls, 0) ?? 0;

  return (
    <>
      <div className="page-head">
        <h1>Dashboard</h1>
        <Link className="button" to="/articles/new">
          New article
        </Link>
      </div>
      {noModel && (
        <section className="card notice-card" aria-labelledby="start-heading">
          <h2 id="start-heading">Connect a language model to start</h2>
          <p>
            Blogsmith writes with your own model: OpenAI, Anthropic, Gemini, Groq, Ollama or any
            OpenAI-compatible server (vLLM, llama.cpp, LM Studio…). <Link to="/settings">Open Settings</Link>{' '}
            to add it.
          </p>
        </section>
      )}
      <div className="grid-2">
        <section className="card" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent articles</h2>
          {recent.loading && !recent.data ? (
            <Loading />
          ) : recent.error instanceof ApiError && recent.error.status === 404 ? (
            <Empty>Articles are not available on this server yet.</Empty>
          ) : recent.error ? (
            <ErrorBox error={recent.error} />
          ) : recent.data?.items.length ? (
            <ul className="list">
              {recent.data.items.map((a) => (
                <li key={a.id}>
                  <Link to={articleHref(a)}>{a.title || a.topic}</Link>
                  <span className="meta">
                    <StatusBadge status={a.status} /> {a.wordCount} words · {when(a.updatedAt)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>
              No articles yet. <Link to="/articles/new">Write your first one</Link>.
            </Empty>
          )}
          <p>
            <Link to="/library">All articles</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="usage-heading">
          <h2 id="usage-heading">Usage this month</h2>
          {usage.loading && !usage.data ? (
            <Loading />
          ) : usage.error ? (
            <ErrorBox error={usage.error} />
          ) : usage.data ? (
            <>
              <p className="big-number">
                {usd(usage.data.summary.spentUsd)}
                {usage.data.summary.budgetUsd !== null && (
                  <span className="meta"> of {usd(usage.data.summary.budgetUsd)} budget</span>
                )}
              </p>
              {usage.data.summary.usedFraction !== null && (
                <progress
                  max={1}
                  value={Math.min(1, usage.data.summary.usedFraction)}
                  aria-label="Share of the monthly budget used"
                />
              )}
              {unpricedCalls > 0 && (
                <p className="meta" data-testid="unpriced-calls">
                  Not in this total: {unpricedCalls} call{unpricedCalls === 1 ? '' : 's'} to models without a
                  price, which the budget cannot count either. Set their prices in{' '}
                  <Link to="/settings">Settings</Link>.
                </p>
              )}
              {usage.data.byModel.length ? (
                <>
                  <UsageTable caption="Cost by model this month" keyLabel="Model" rows={usage.data.byModel} />
                  {usage.data.byMember.length > 1 && (
                    <UsageTable
                      caption="Cost by member this month"
                      keyLabel="Member"
                      rows={usage.data.byMember}
                    />
                  )}
                </>
              ) : (
                <Empty>No model calls this month.</Empty>
              )}
            </>
          ) : null}
        </section>
      </div>
    </>
  );
}
