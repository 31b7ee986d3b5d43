// Settings, in sections with their own navigation: the workspace, language models, brand voices,
// API keys, members, publishing, webhooks and your account (each section in settings/). Every form shows its feedback
// inside its own section.
import { useEffect } from 'react';
import type { Me } from '../api.ts';
import { usePageTitle } from '../ui.tsx';
import { AccountSection } from './settings/Account.tsx';
import { ApiKeysSection } from './settings/ApiKeys.tsx';
import { BrandVoicesSection } from './settings/BrandVoices.tsx';
import { LlmSection } from './settings/llm/LlmSection.tsx';
import { ProvidersView } from './settings/llm/ProvidersView.tsx';
import { MembersSection, rank } from './settings/Members.tsx';
import { PublishingSection } from './settings/Publishing.tsx';
import { WebhooksSection } from './settings/Webhooks.tsx';
import { WorkspaceSection } from './settings/Workspace.tsx';

export function Settings({ me }: { me: Me }) {
  usePageTitle('Settings');
  const admin = rank[me.workspace.role] >= rank.admin;
  const editor = rank[me.workspace.role] >= rank.editor;
  // A link from another page to a section (`/settings#brand-voices`) is followed inside the app, where
  // the browser does not scroll to the fragment by itself.
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);
  const sections = [
    { id: 'workspace', label: 'Workspace' },
    { id: 'models', label: 'Language models' },
    { id: 'brand-voices', label: 'Brand voices' },
    ...(editor ? [{ id: 'api-keys', label: 'API keys' }] : []),
    { id: 'members', label: 'Members' },
    ...(admin ? [{ id: 'publishing', label: 'Publishing' }] : []),
    ...(admin ? [{ id: 'webhooks', label: 'Webhooks' }] : []),
    ...(me.via === 'session' ? [{ id: 'account', label: 'Your account' }] : []),
  ];
  return (
    <>
      <h1>Settings</h1>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          <ul className="settings-nav-list">
            {sections.map((s) => (
              <li key={s.id}>
                <a className="settings-nav-link" href={`#${s.id}`}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-sections">
          <WorkspaceSection me={me} />
          {admin ? <LlmSection /> : <ProvidersView />}
          <BrandVoicesSection editor={editor} />
          {editor && <ApiKeysSection />}
          <MembersSection me={me} admin={admin} />
          {admin && <PublishingSection />}
          {admin && <WebhooksSection />}
          {me.via === 'session' && <AccountSection me={me} />}
        </div>
      </div>
    </>
  );
}
