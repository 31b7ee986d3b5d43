// Settings › Models for members: which models the workspace writes with (only admins change them).
import { api } from '../../../api.ts';
import { ErrorBox, Loading, useLoad } from '../../../ui.tsx';
import { RoleChains } from './RoleChains.tsx';

export function ProvidersView() {
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
  return (
    <section className="card" aria-labelledby="llm-heading" id="models">
      <h2 id="llm-heading">Models</h2>
      {providers.loading && !providers.data ? <Loading /> : <ErrorBox error={providers.error} />}
      {providers.data && <RoleChains data={providers.data} />}
      <p className="hint">Only admins can change providers and models.</p>
    </section>
  );
}
