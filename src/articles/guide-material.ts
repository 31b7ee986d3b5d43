// An integration guide in the pipeline (F14): the spec's overview and each operation it explains
// are sources of the article — a `document` source of the spec, so the guide cites the spec for
// every endpoint — and each operation's samples, generated from the spec (src/guides/), are placed
// by the sections that explain it. Stored with the gather step's sources, so a resumed run and a
// regenerated section place the very samples the article was written with.
import type { GuideBuild } from '../guides/build-guide.ts';
import { type PlacedSample, placeSamples, sampleOwners, withoutSamples } from '../guides/placement.ts';
import { lexicalSupport } from '../writing/citations.ts';
import type { Outline } from '../writing/outline.ts';
import type { ArticleDraft } from './compose.ts';
import type { GuideMaterial } from './guide-schema.ts';
import { sectionFocus } from './pipeline/section-sources.ts';
import type { FoundSource } from './sources.ts';
import type { ArticleSource } from './types.ts';

const operationTitle = (api: GuideBuild['api'], op: GuideBuild['operations'][number]) =>
  `${api.title}: ${op.method} ${op.path}${op.summary ? ` (${op.summary})` : ''}`;

/** The spec's overview, then its operations, as sources of document `documentId`. */
export function guideSources(build: GuideBuild, documentId: string): FoundSource[] {
  const { api } = build;
  const overview: FoundSource = {
    kind: 'document',
    title: `${api.title}${api.version ? ` ${api.version}` : ''}: overview`,
    documentId,
    headingPath: [api.title],
    excerpt: api.overview.slice(0, 400),
    text: api.overview,
  };
  return [
    overview,
    ...build.operations.map(
      (op): FoundSource => ({
        kind: 'document',
        title: operationTitle(api, op),
        documentId,
        headingPath: [op.tag, op.key],
        excerpt: op.text.slice(0, 400),
        text: op.text,
      }),
    ),
  ];
}

/** The guide's samples, each citing its operation's number among the numbered `sources`. */
export function guideMaterial(build: GuideBuild, sources: readonly ArticleSource[]): GuideMaterial {
  const samples = build.operations.map((op, i): PlacedSample => {
    const title = operationTitle(build.api, op);
    const source = sources.find((s) => s.title === title && s.text === op.text)?.n;
    if (source === undefined) throw new Error(`the guide's source for ${op.key} was not kept`);
    return {
      id: `S${i + 1}`,
      operation: op.key,
      method: op.method,
      path: op.path,
      summary: op.summary,
      source,
      env: op.env,
      files: op.files,
      code: op.samples,
      ...(build.api.baseUrlAssumed ? { assumedBase: build.api.baseUrl } : {}),
    };
  });
  const { title, version, baseUrl, baseUrlAssumed } = build.api;
  return { api: { title, version, baseUrl, baseUrlAssumed }, samples };
}

/**
 * Each operation's source given to a section: one the outline left out goes to the section whose
 * subject is closest to it, so that section's writer reads the operation its sample shows.
 */
export function assignOperations(
  outline: Outline,
  guide: GuideMaterial,
  sources: readonly ArticleSource[],
): Outline {
  const sections = outline.sections.map((s) => ({ ...s, sourceIds: [...s.sourceIds] }));
  const closest = (sample: PlacedSample) => {
    const text = sources[sample.source - 1]?.text ?? `${sample.method} ${sample.path} ${sample.summary}`;
    const scores = sections.map((s) => lexicalSupport(sectionFocus(s), text));
    return scores.indexOf(Math.max(...scores));
  };
  const owners = sampleOwners(sections, guide.samples, closest);
  for (const sample of guide.samples) {
    const section = sections[owners.get(sample.id)!];
    if (section && !section.sourceIds.includes(sample.source) && section.sourceIds.length < 20)
      section.sourceIds.push(sample.source);
  }
  return { ...outline, sections };
}

/** Which section places each sample: the first that is given its operation's source. */
export const guideOwners = (outline: Pick<Outline, 'sections'>, guide: GuideMaterial) =>
  sampleOwners(outline.sections, guide.samples);

/**
 * The written parts of a guide as the article shows them: each section's samples placed (its
 * markers, then what no marker placed), and no code or marker left in the intro, conclusion or FAQ.
 * `sections`: the outline entries of `draft.sections`, in the same order.
 */
export function guidedDraft(
  draft: ArticleDraft,
  sections: Outline['sections'],
  guide: GuideMaterial,
): ArticleDraft {
  const bodies = placeSamples(
    draft.sections.map((s) => s.markdown),
    guide.samples,
    guideOwners({ sections }, guide),
  );
  return {
    ...draft,
    intro: withoutSamples(draft.intro),
    sections: draft.sections.map((s, i) => ({ ...s, markdown: bodies[i] ?? '' })),
    conclusion: withoutSamples(draft.conclusion),
    ...(draft.faq ? { faq: draft.faq.map((f) => ({ ...f, answer: withoutSamples(f.answer) })) } : {}),
  };
}
