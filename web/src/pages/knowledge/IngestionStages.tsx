// Where a document is in ingestion. The server reports status and progress; the stages are the
// progress bands ingestion reports in (src/knowledge/ingestion.ts: reading at 5, embedding 20–90,
// storing from 90).
import type { DocumentInfo } from '../../api.ts';

const stages = ['Queued', 'Reading and splitting', 'Embedding passages', 'Saving', 'Ready'] as const;

export function stageOf(d: Pick<DocumentInfo, 'status' | 'progress'>): number {
  if (d.status === 'ready') return 4;
  if (d.status === 'queued') return 0;
  if (d.status === 'failed') return -1;
  if (d.progress >= 90) return 3;
  if (d.progress >= 20) return 2;
  return 1;
}

/** One line for a table cell: the current stage and progress. */
export function stageText(d: Pick<DocumentInfo, 'status' | 'progress'>): string {
  const stage = stageOf(d);
  if (stage < 0) return 'Failed';
  return d.status === 'processing' ? `${stages[stage]} · ${d.progress}%` : stages[stage]!;
}

export function IngestionStages({ document: d }: { document: DocumentInfo }) {
  const current = stageOf(d);
  return (
    <ol className="stages" aria-label="Ingestion stages">
      {stages.map((name, i) => {
        const state =
          current < 0 ? 'failed' : i < current || current === 4 ? 'done' : i === current ? 'current' : 'todo';
        return (
          <li key={name} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
            {name}
            <span className="sr-only">
              {state === 'done' ? ' (done)' : state === 'current' ? ' (in progress)' : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
