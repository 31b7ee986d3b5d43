// The models of one evaluation run side by side on the measures that share a 0–100 scale. Each
// bar is a small SVG; its value and model are written next to it as text, so the chart reads the
// same to a screen reader and at phone width (the table below has every number).
import type { EvalModel } from './report.ts';
import { storm } from './report.ts';

interface Measure {
  label: string;
  value: (m: EvalModel['summary']) => number | null;
  /** A published result to compare with, in percent. */
  anchor?: { value: number; label: string };
}

const measures: Measure[] = [
  {
    label: 'Citation recall',
    value: (s) => (s.citationRecall === null ? null : s.citationRecall * 100),
    anchor: { value: storm.recall, label: `STORM ${storm.recall} %` },
  },
  {
    label: 'Citation precision',
    value: (s) => (s.citationPrecision === null ? null : s.citationPrecision * 100),
    anchor: { value: storm.precision, label: `STORM ${storm.precision} %` },
  },
  {
    label: 'Claims supported',
    value: (s) => (s.claimSupport === null ? null : s.claimSupport * 100),
  },
  { label: 'SEO score (of 100)', value: (s) => s.seoScore },
];

export function ModelChart({ models }: { models: EvalModel[] }) {
  return (
    <figure className="model-chart" aria-labelledby="model-chart-caption">
      <figcaption id="model-chart-caption">
        Models compared: higher is better on every measure. The dashed line is STORM’s published result with a
        GPT-3.5-class writer.
      </figcaption>
      <ul className="chart-legend" aria-label="Models">
        {models.map((m, i) => (
          <li key={m.model}>
            <span className={`swatch series-${i % 6}`} aria-hidden="true" /> {m.model}
          </li>
        ))}
      </ul>
      {measures.map((measure) => (
        <div className="chart-group" key={measure.label}>
          <h3>{measure.label}</h3>
          <ul className="chart-list">
            {models.map((m, i) => {
              const value = measure.value(m.summary);
              return (
                <li key={m.model} className="chart-row">
                  <span className="chart-model break">{m.model}</span>
                  <svg
                    className="chart-bar"
                    viewBox="0 0 100 12"
                    preserveAspectRatio="none"
                    aria-hidden="true"
                    focusable="false"
                  >
                    <rect className="chart-track" x="0" y="0" width="100" height="12" />
                    {value !== null && (
                      <rect
                        className={`series-${i % 6}`}
                        x="0"
                        y="0"
                        width={Math.max(0, Math.min(100, value))}
                        height="12"
                      />
                    )}
                    {measure.anchor && (
                      <line
                        className="chart-anchor"
                        x1={measure.anchor.value}
                        x2={measure.anchor.value}
                        y1="0"
                        y2="12"
                        vectorEffect="non-scaling-stroke"
                      />
                    )}
                  </svg>
                  <span className="chart-value">
                    {value === null ? 'not measured' : `${value.toFixed(1)}`}
                  </span>
                </li>
              );
            })}
          </ul>
          {measure.anchor && <p className="meta chart-anchor-note">Dashed line: {measure.anchor.label}</p>}
        </div>
      ))}
    </figure>
  );
}
