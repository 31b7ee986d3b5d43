// Which model serves each role, first choice → fallbacks.
import { type LlmProviders, llmRoles } from '../../../api.ts';

export function RoleChains({ data }: { data: LlmProviders }) {
  return (
    <dl className="facts">
      {llmRoles.map((role) => (
        <div key={role}>
          <dt>{role}</dt>
          <dd className="break" data-role-chain={role}>
            {data.roles[role].length ? data.roles[role].join(' → ') : 'no model yet'}
          </dd>
        </div>
      ))}
    </dl>
  );
}
