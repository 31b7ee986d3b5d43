// The run's steps, planned ones included, with their state and cost.
import { type Article, type Step, usd } from '../../api.ts';
import { stepLabel } from './steps.ts';

export function StepList({ steps, article }: { steps: Step[]; article: Article }) {
  return (
    <section className="card" aria-labelledby="steps-heading">
      <h2 id="steps-heading">Steps</h2>
      <ol className="timeline">
        {steps.map((s) => (
          <li key={s.name} className={`step step-${s.status}`} data-step={s.name} data-status={s.status}>
            <span className="step-dot" aria-hidden="true" />
            <span className="step-name break">{stepLabel(s.name, article.sections)}</span>
            <span className="meta">
              {s.status}
              {s.costUsd > 0 ? ` · ${usd(s.costUsd)}` : ''}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
