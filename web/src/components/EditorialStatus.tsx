// An article's editorial status as the Library and the editor show it: in words, with the planned
// date when scheduled. Not a `.badge`: that is the run's status, which tests and eyes tell apart.
import type { EditorialStatus } from '../api.ts';

export const editorialLabels: Record<EditorialStatus, string> = {
  draft: 'Draft',
  review: 'In review',
  scheduled: 'Scheduled',
  published: 'Published',
};

/**
 * The planned date as the editor's date field writes it (YYYY-MM-DD, midnight UTC) and shows it:
 * read in UTC, so it is the same day wherever it is read.
 */
export const plannedDate = (scheduledFor: string) =>
  new Date(scheduledFor).toLocaleDateString(undefined, { timeZone: 'UTC', dateStyle: 'medium' });

export function EditorialStatusText({
  status,
  scheduledFor,
}: {
  status: EditorialStatus;
  scheduledFor: string | null;
}) {
  return (
    <span className={`editorial editorial-${status}`}>
      {editorialLabels[status]}
      {status === 'scheduled' && scheduledFor ? ` for ${plannedDate(scheduledFor)}` : ''}
    </span>
  );
}
