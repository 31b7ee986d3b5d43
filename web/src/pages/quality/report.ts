// Names and number formats for the Quality page, derived from the generated API schema.
import type { Json } from '../../api.ts';

export type EvalRun = Json<'/api/v1/eval/reports', 'GET'>['items'][number];
export type EvalModel = EvalRun['models'][number];
export type EvalReportDetail = Json<'/api/v1/eval/reports/{id}', 'GET'>;

/** STORM (Shao et al., 2024), the anchor to beat with a gpt-4o-mini-class model. */
export const storm = { recall: 84.8, precision: 85.2 };

export const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
export const fixed = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
export const tokens = (n: number) => n.toLocaleString();
export const costPerArticle = (x: number | null) => (x === null ? 'price unknown' : `$${x.toFixed(4)}`);
