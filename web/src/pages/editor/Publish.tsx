// Editor › Publish: send the article to one of the workspace's WordPress or Ghost sites — as a draft
// there, live now, or scheduled for a time — and follow its publications: each site's state, the
// post's link, the site's own words when it refused, and "Check status" to read a post back (a
// scheduled one that went live). Editors publish; viewers see where it is published.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type Article, api, fieldErrors, type Publication, when } from '../../api.ts';
import { Link } from '../../router.tsx';
import {
  Empty,
  ErrorBox,
  Field,
  FormError,
  Loading,
  Notice,
  StatusBadge,
  useAction,
  useLoad,
} from '../../ui.tsx';
import { kindLabels } from '../settings/Publishing.tsx';

type Marks = Pick<Article, 'tags' | 'editorialStatus' | 'scheduledFor'>;
type When = 'draft' | 'now' | 'schedule';

const inFlight = (p: Publication) => p.state === 'queued' || p.state === 'publishing';

/** What a publication's state says, in words. */
function stateText(p: Publication): string {
  switch (p.state) {
    case 'queued':
      return p.attempts > 0 ? 'waiting to try again' : 'waiting to be sent';
    case 'publishing':
      return 'being sent';
    case 'draft':
      return 'a draft on the site';
    case 'scheduled':
      return `goes live ${when(p.scheduledFor)}`;
    case 'published':
      return `live since ${when(p.publishedAt)}`;
    case 'failed':
      return 'failed';
  }
}

export function PublishPanel({
  article,
  editable,
  admin,
  dirty,
  onMarked,
}: {
  article: Article;
  editable: boolean;
  admin: boolean;
  dirty: boolean;
  /** The article's marks as the server holds them once a publication changed them. */
  onMarked: (marks: Marks) => void;
}) {
  const name = article.title || article.brief.topic;
  const destinations = useLoad(() => api('GET', '/api/v1/publishing/destinations'), []);
  const publications = useLoad(
    () => api('GET', '/api/v1/articles/{id}/publications', { params: { id: article.id } }),
    [article.id],
  );
  const items = publications.data?.items ?? [];
  const pending = items.some(inFlight);
  const wasPending = useRef(false);

  const refreshMarks = async () => {
    const next = await api('GET', '/api/v1/articles/{id}', { params: { id: article.id } });
    onMarked({ tags: next.tags, editorialStatus: next.editorialStatus, scheduledFor: next.scheduledFor });
  };
  // While a publish is under way its state is read every second; once it ends, the article's
  // editorial status (which it may have changed) is read again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: driven by the publications read
  useEffect(() => {
    if (!pending) {
      if (wasPending.current) void refreshMarks().catch(() => {});
      wasPending.current = false;
      return;
    }
    wasPending.current = true;
    const timer = window.setTimeout(() => void publications.reload(), 1000);
    return () => window.clearTimeout(timer);
  }, [publications.data]);

  const put = (publication: Publication) =>
    publications.setData((d) => ({
      items: [publication, ...(d?.items ?? []).filter((p) => p.id !== publication.id)],
      nextCursor: null,
    }));

  if (destinations.loading && !destinations.data) return <Loading />;
  if (destinations.error) return <ErrorBox error={destinations.error} />;
  const sites = destinations.data?.items ?? [];
  return (
    <div className="publish-panel">
      {sites.length === 0 ? (
        <Empty>
          No sites to publish to yet.{' '}
          {admin ? (
            <Link to="/settings#publishing">Add a WordPress or Ghost site in Settings › Publishing.</Link>
          ) : (
            'An admin adds WordPress or Ghost sites in Settings › Publishing.'
          )}
        </Empty>
      ) : (
        editable && (
          <PublishForm
            articleId={article.id}
            sites={sites}
            dirty={dirty}
            published={(p) => {
              put(p);
              wasPending.current = true;
            }}
          />
        )
      )}
      <h3>Where it is published</h3>
      {publications.error ? (
        <ErrorBox error={publications.error} />
      ) : items.length > 0 ? (
        <ul className="list publications" aria-label={`Publications of ${name}`}>
          {items.map((p) => (
            <PublicationItem
              key={p.id}
              publication={p}
              articleId={article.id}
              editable={editable}
              synced={(next) => {
                put(next);
                void refreshMarks().catch(() => {});
              }}
            />
          ))}
        </ul>
      ) : (
        publications.data && <p className="meta">Not published anywhere yet.</p>
      )}
    </div>
  );
}

/** The value a `datetime-local` field shows for `date`, in this browser's time zone. */
const localInput = (date: Date) =>
  new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function PublishForm({
  articleId,
  sites,
  dirty,
  published,
}: {
  articleId: string;
  sites: Array<{ id: string; name: string; kind: keyof typeof kindLabels }>;
  dirty: boolean;
  published: (p: Publication) => void;
}) {
  const [destinationId, setDestinationId] = useState(sites[0]!.id);
  const [whenTo, setWhenTo] = useState<When>('now');
  const [at, setAt] = useState(() => localInput(new Date(Date.now() + 3600_000)));
  const action = useAction();
  const errors = fieldErrors(action.error);
  const site = sites.find((s) => s.id === destinationId) ?? sites[0]!;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const scheduledFor = whenTo === 'schedule' && at ? new Date(at) : undefined;
    if (whenTo === 'schedule' && (!scheduledFor || Number.isNaN(scheduledFor.getTime()))) {
      action.setError(new Error('Choose when the post goes live.'));
      return;
    }
    const made = await action.run(
      () =>
        api('POST', '/api/v1/articles/{id}/publish', {
          params: { id: articleId },
          body: {
            destinationId,
            status: whenTo === 'draft' ? 'draft' : 'publish',
            ...(scheduledFor ? { scheduledFor: scheduledFor.toISOString() } : {}),
          },
        }),
      `Queued for ${site.name}: follow it below.`,
    );
    if (made) published(made);
  };

  const choices: Array<[When, string]> = [
    ['draft', 'As a draft on the site'],
    ['now', 'Publish now'],
    ['schedule', 'Schedule'],
  ];
  return (
    <form className="form publish-form" onSubmit={submit} noValidate aria-label="Publish">
      {dirty && <p className="notice">You have unsaved changes: publishing sends the saved text.</p>}
      <Field label="Site" {...(errors.destinationId ? { error: errors.destinationId } : {})}>
        {(f) => (
          <select id={f.id} value={destinationId} onChange={(e) => setDestinationId(e.target.value)}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({kindLabels[s.kind]})
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset>
        <legend>How</legend>
        <ul className="checks">
          {choices.map(([value, label]) => (
            <li key={value}>
              <label>
                <input
                  type="radio"
                  name="when"
                  value={value}
                  checked={whenTo === value}
                  onChange={() => setWhenTo(value)}
                />{' '}
                {label}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {whenTo === 'schedule' && (
        <Field
          label="Goes live at"
          hint="Your local time; at least 2 minutes from now."
          {...(errors.scheduledFor ? { error: errors.scheduledFor } : {})}
        >
          {(f) => (
            <input
              id={f.id}
              type="datetime-local"
              value={at}
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              onChange={(e) => setAt(e.target.value)}
            />
          )}
        </Field>
      )}
      <FormError error={action.error} fields={['destinationId', 'scheduledFor']} />
      <Notice>{action.notice}</Notice>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {whenTo === 'draft'
            ? `Send draft to ${site.name}`
            : whenTo === 'schedule'
              ? `Schedule on ${site.name}`
              : `Publish to ${site.name}`}
        </button>
      </div>
    </form>
  );
}

function PublicationItem({
  publication: p,
  articleId,
  editable,
  synced,
}: {
  publication: Publication;
  articleId: string;
  editable: boolean;
  synced: (p: Publication) => void;
}) {
  const action = useAction();
  const site = p.destination.name;
  const sync = async () => {
    const next = await action.run(() =>
      api('POST', '/api/v1/articles/{id}/publications/{publicationId}/sync', {
        params: { id: articleId, publicationId: p.id },
      }),
    );
    if (next) synced(next);
  };
  return (
    <li data-state={p.state}>
      <strong>{site}</strong> <span className="meta">{kindLabels[p.destination.kind]}</span>{' '}
      <StatusBadge status={p.state} /> <span className="meta">{stateText(p)}</span>
      {p.remoteUrl && (
        <>
          {' · '}
          <a href={p.remoteUrl} target="_blank" rel="noopener noreferrer">
            {p.state === 'published' ? `View the post on ${site}` : `Open the ${p.state} on ${site}`}
          </a>
        </>
      )}
      {p.error && (
        <p
          className={p.state === 'failed' ? 'error-box' : 'warning'}
          role={p.state === 'failed' ? 'alert' : 'status'}
        >
          {p.error}
        </p>
      )}
      {editable && p.remoteId && !inFlight(p) && (
        <div className="actions">
          <button
            type="button"
            className="secondary small"
            onClick={sync}
            disabled={action.busy}
            aria-label={`Check status of the post on ${site}`}
          >
            {action.busy ? 'Checking…' : 'Check status'}
          </button>
        </div>
      )}
      <ErrorBox error={action.error} />
    </li>
  );
}
