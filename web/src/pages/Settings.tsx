// Settings: LLM providers, role models and budget; API keys; members (each section in settings/).
import type { Me } from '../api.ts';
import { usePageTitle } from '../ui.tsx';
import { ApiKeysSection } from './settings/ApiKeys.tsx';
import { LlmSection } from './settings/llm/LlmSection.tsx';
import { ProvidersView } from './settings/llm/ProvidersView.tsx';
import { MembersSection, rank, WorkspaceSwitcher } from './settings/Members.tsx';

export function Settings({ me }: { me: Me }) {
  usePageTitle('Settings');
  const admin = rank[me.workspace.role] >= rank.admin;
  const editor = rank[me.workspace.role] >= rank.editor;
  return (
    <>
      <h1>Settings</h1>
      <p className="meta">
        Signed in as {me.user.email} · role {me.workspace.role}
      </p>
      {me.via === 'session' && me.workspaces.length > 1 && <WorkspaceSwitcher me={me} />}
      {admin ? <LlmSection /> : <ProvidersView />}
      {editor && <ApiKeysSection />}
      <MembersSection me={me} admin={admin} />
    </>
  );
}
