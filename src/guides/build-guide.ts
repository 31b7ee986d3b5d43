// What an integration guide is written from: the spec's overview, and for each operation it explains
// the operation's text (its source) and its code samples in each language asked for — or the issues
// that refuse the brief, at the brief's field paths. Pure and deterministic: the same spec and
// choices give the same samples. Run in a worker process (spec-pool.ts).
import { curlSample } from './curl-sample.ts';
import { javascriptSample } from './javascript-sample.ts';
import { maxGuideOperations, type SampleLanguage } from './languages.ts';
import { pythonSample } from './python-sample.ts';
import { type PlanOptions, planRequest, type RequestPlan, serverUrl } from './request-plan.ts';
import { type ApiSpec, findOperation, readSpec, type SpecOperation } from './spec.ts';

export interface GuideChoices {
  /** Operations by operationId or `METHOD /path`, in the order the guide explains them; all when absent. */
  operations?: readonly string[] | undefined;
  languages: readonly SampleLanguage[];
  specUrl?: string | undefined;
}

export interface OperationSummary {
  key: string;
  method: string;
  path: string;
  summary: string;
  tag: string;
  deprecated: boolean;
}

export interface GuideOperation extends OperationSummary {
  /** The operation as a developer reads it: the source the guide cites for it. */
  text: string;
  /** Environment variables the samples read (credentials) and local files they upload. */
  env: string[];
  files: string[];
  samples: Array<{ language: SampleLanguage; code: string }>;
}

export interface GuideBuild {
  api: {
    title: string;
    version: string;
    specVersion: string;
    /** The spec's overview (servers, authentication): the source for what applies to every call. */
    overview: string;
    baseUrl: string;
    /** The spec names no absolute server: the samples use a placeholder host the reader replaces. */
    baseUrlAssumed: boolean;
  };
  operations: GuideOperation[];
}

export interface GuideIssue {
  path: string;
  message: string;
}

export type GuideOutcome = { guide: GuideBuild } | { issues: GuideIssue[] };

const renderers: Record<SampleLanguage, (plan: RequestPlan) => string> = {
  curl: curlSample,
  javascript: javascriptSample,
  python: pythonSample,
};

export const summaryOf = (op: SpecOperation): OperationSummary => ({
  key: op.key,
  method: op.method.toUpperCase(),
  path: op.path,
  summary: op.summary,
  tag: op.tag,
  deprecated: op.deprecated,
});

const specField = 'guide.specDocumentId';

/** The spec's operations, for a picker; or why the document is not a spec a guide can use. */
export function listOperations(
  text: string,
): { title: string; version: string; operations: OperationSummary[] } | { problem: string } {
  const read = readSpec(text);
  if ('problem' in read) return read;
  const { spec } = read;
  return { title: spec.title, version: spec.apiVersion, operations: spec.operations.map(summaryOf) };
}

function chosenOperations(
  spec: ApiSpec,
  names: readonly string[] | undefined,
): SpecOperation[] | GuideIssue[] {
  if (!names || names.length === 0) {
    if (spec.operations.length <= maxGuideOperations) return spec.operations;
    return [
      {
        path: 'guide.operations',
        message: `The spec has ${spec.operations.length} operations and a guide explains at most ${maxGuideOperations}: name the ones to explain in guide.operations (each an operationId or "METHOD /path")`,
      },
    ];
  }
  const issues: GuideIssue[] = [];
  const chosen: SpecOperation[] = [];
  names.forEach((name, i) => {
    const op = findOperation(spec, name);
    if (!op) {
      const known = spec.operations.slice(0, 8).map((o) => o.key);
      const more =
        spec.operations.length > known.length ? `, and ${spec.operations.length - known.length} more` : '';
      issues.push({
        path: `guide.operations.${i}`,
        message: `The spec has no operation ${JSON.stringify(name)}: name one by its operationId or as "METHOD /path" (it has ${known.join(', ')}${more})`,
      });
    } else if (!chosen.includes(op)) chosen.push(op);
  });
  return issues.length > 0 ? issues : chosen;
}

function buildOperation(spec: ApiSpec, op: SpecOperation, choices: GuideChoices): GuideOperation | string {
  try {
    return samplesOf(spec, op, choices);
  } catch (err) {
    // A spec this reader did not foresee (a reference chain thousands deep…) refuses its operation, not the request.
    return `Operation ${op.key} could not be turned into code samples: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function samplesOf(spec: ApiSpec, op: SpecOperation, choices: GuideChoices): GuideOperation | string {
  const plan = planRequest(spec, op, choices);
  if (plan.unresolved.length > 0)
    return `Operation ${op.key} refers to ${plan.unresolved.slice(0, 3).join(', ')}, which the spec does not contain (a reference to another file cannot be followed: bundle the spec into one file)`;
  return {
    ...summaryOf(op),
    text: op.text,
    env: plan.env,
    files: plan.files,
    samples: choices.languages.map((language) => ({ language, code: renderers[language](plan) })),
  };
}

export function buildGuide(text: string, choices: GuideChoices): GuideOutcome {
  const read = readSpec(text);
  if ('problem' in read)
    return { issues: [{ path: specField, message: `The document cannot be used: ${read.problem}` }] };
  const { spec } = read;
  const chosen = chosenOperations(spec, choices.operations);
  if (chosen.length > 0 && 'message' in chosen[0]!) return { issues: chosen as GuideIssue[] };
  const operations: GuideOperation[] = [];
  const issues: GuideIssue[] = [];
  for (const op of chosen as SpecOperation[]) {
    const built = buildOperation(spec, op, choices);
    if (typeof built === 'string') {
      const named = choices.operations?.findIndex((n) => findOperation(spec, n) === op) ?? -1;
      issues.push({ path: named >= 0 ? `guide.operations.${named}` : specField, message: built });
    } else operations.push(built);
  }
  if (issues.length > 0) return { issues };
  const base = serverUrl(spec.servers, choices satisfies PlanOptions);
  return {
    guide: {
      api: {
        title: spec.title,
        version: spec.apiVersion,
        specVersion: spec.version,
        overview: spec.overview,
        baseUrl: base.url,
        baseUrlAssumed: base.assumed,
      },
      operations,
    },
  };
}
