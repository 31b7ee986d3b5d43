// "Connect a model" instead of a refusal naming server settings: shown wherever generating needs a
// model and the workspace has none for a writing role yet.
import { api } from '../api.ts';
import { Link } from '../router.tsx';
import { useLoad } from '../ui.tsx';

const writingRoles = ['planner', 'writer', 'checker'] as const;

/** Whether every role a generation needs has a model: undefined while unknown. */
export function useModelReadiness() {
  const providers = useLoad(() => api('GET', '/api/v1/llm/providers'), []);
  const ready =
    providers.data === undefined
      ? undefined
      : writingRoles.every((role) => (providers.data?.roles[role].length ?? 0) > 0);
  return { ready, reload: providers.reload };
}

export function ConnectModelBanner() {
  return (
    <section className="card notice-card" aria-labelledby="connect-model-heading" data-testid="connect-model">
      <h2 id="connect-model-heading">Connect a language model first</h2>
      <p>
        Blogsmith writes with your own model: OpenAI, Anthropic, Gemini, Groq, Ollama or any OpenAI-compatible
        server. <Link to="/settings#models">Connect a model in Settings</Link> (admins), then come back here.
      </p>
    </section>
  );
}
