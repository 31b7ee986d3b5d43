// The run's steps, planned ones included, with their state and cost, and what each was given and stored.
import { type Article, type Step, usd } from '../../api.ts';
import { StepData } from './StepData.tsx';
import { stepLabel } from './steps.ts';

export function StepList({ steps, article }: { steps: Step[]; article: Article }) {
  return (
    <section className="card" aria-labelledby="steps-heading">
      <h2 id="steps-heading">Steps</h2>
      <ol className="timeline">
        {steps.map((s) => {
          const label = stepLabel(s.name, article.sections);
          return (
            <li key={s.name} className={`step step-${s.status}`} data-step={s.name} data-status={s.status}>
              <span className="step-dot" aria-hidden="true" />
              <span className="step-name break">{label}</span>
              <span className="meta">
                {s.status}
                {s.costUsd > 0 ? ` · ${usd(s.costUsd)}` : ''}
              </span>
              {s.status !== 'pending' && (
                <StepData articleId={article.id} step={s.name} label={label} status={s.status} />
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
