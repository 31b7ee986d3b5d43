// The web app's pure helpers: version diff, API error details → brief form fields, citation markers.
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../web/src/diff.ts';
import { citationNumbers, citesUnsupported } from '../../web/src/markdown.ts';
import { briefErrors } from '../../web/src/pages/NewArticle.tsx';
import { plainMessage } from '../../web/src/plain-errors.ts';
import { sentenceAt } from '../../web/src/sentences.ts';
import { titleOf, withTitle } from '../../web/src/title.ts';

describe('diffLines', () => {
  it('marks removed and added lines between unchanged context', () => {
    const before = 'a\nb\nc\nd';
    const after = 'a\nB\nc\nd\ne';
    expect(diffLines(before, after)).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
  });

  it('is all "same" for equal texts and reconstructs both sides', () => {
    expect(diffLines('x\ny', 'x\ny').every((l) => l.kind === 'same')).toBe(true);
    const before = 'one\ntwo\nthree\nfour\nfive';
    const after = 'zero\none\nthree\nFOUR\nfive\nsix';
    const d = diffLines(before, after);
    expect(d.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(before.split('\n'));
    expect(d.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(after.split('\n'));
  });
});

describe('briefErrors', () => {
  it('puts each API detail on its form field, with the line of list items', () => {
    const { byField, other } = briefErrors([
      { path: 'topic', message: 'Must not be blank' },
      { path: 'research.urls.1', message: 'Must be an http(s) URL' },
      { path: 'keywords.0', message: 'Must not be blank' },
      { path: 'words', message: 'Too small: expected number to be >=300' },
      { path: 'mystery', message: 'Unrecognized key' },
    ]);
    expect(byField.topic).toBe('Must not be blank');
    expect(byField['research.urls']).toBe('Line 2: Must be an http(s) URL');
    expect(byField.keywords).toBe('Keyword 1: Must not be blank');
    expect(byField.words).toBe('Must be at least 300.');
    expect(other).toEqual(['This field is not known to the server.']);
  });
});

describe('citationNumbers', () => {
  it('expands lists and ranges', () => {
    expect(citationNumbers('2')).toEqual([2]);
    expect(citationNumbers('1, 3')).toEqual([1, 3]);
    expect(citationNumbers('2-4')).toEqual([2, 3, 4]);
    expect(citationNumbers('1, 3–5')).toEqual([1, 3, 4, 5]);
  });
});

describe('the sentence of a citation marker', () => {
  const markers = (text: string) => [...text.matchAll(/\[[\d, –-]+\]/g)].map((m) => m.index);
  const sentences = (text: string) => markers(text).map((at) => sentenceAt(text, at));

  it('is the sentence the marker ends, with a marker after the full stop belonging to it', () => {
    expect(
      sentences(
        'Heat pumps move heat rather than make it [1]. They cut bills by 90 percent in every home [1].',
      ),
    ).toEqual([
      'Heat pumps move heat rather than make it [1].',
      'They cut bills by 90 percent in every home [1].',
    ]);
    expect(sentences('Heat pumps move heat. [1] They cut bills. [1, 2] Text.')).toEqual([
      'Heat pumps move heat. [1]',
      'They cut bills. [1, 2]',
    ]);
    // A marker inside its sentence; abbreviations, initials and decimals end no sentence.
    expect(sentences('Heat pumps [1] cut bills by 3.5 times, e.g. in J. Smith’s home [2]. Next.')).toEqual([
      'Heat pumps [1] cut bills by 3.5 times, e.g. in J. Smith’s home [2].',
      'Heat pumps [1] cut bills by 3.5 times, e.g. in J. Smith’s home [2].',
    ]);
    expect(sentences('熱を運ぶ[1]。電気代が下がる[2]。')).toEqual(['熱を運ぶ[1]。', '電気代が下がる[2]。']);
  });

  it('flags only the marker of the unsupported sentence when a paragraph cites one source twice', () => {
    const paragraph =
      'Heat pumps move heat rather than make it [1]. They cut bills by 90 percent in every home [1].';
    const unsupported = [{ sentence: 'They cut bills by 90 percent in every home.', sources: [1] }];
    expect(sentences(paragraph).map((s) => citesUnsupported(unsupported, [1], s))).toEqual([false, true]);
    expect(citesUnsupported(unsupported, [2], sentences(paragraph)[1]!)).toBe(false);
  });
});

describe('plainMessage', () => {
  it('rewrites zod 4 messages into short sentences', () => {
    expect(plainMessage('Too small: expected string to have >=8 characters')).toBe(
      'Must be at least 8 characters.',
    );
    expect(plainMessage('Too big: expected number to be <=10000')).toBe('Must be at most 10000.');
    expect(plainMessage('Too small: expected string to have >=1 characters')).toBe('Required.');
    expect(plainMessage('Invalid input: expected string, received undefined')).toBe('Required.');
    expect(plainMessage('Invalid email address')).toMatch(/email address/);
  });

  it('never shows environment variable names; says who can fix it', () => {
    const web = plainMessage(
      'Web research is not configured: set TAVILY_API_KEY, SERPAPI_API_KEY or SEARXNG_URL',
      'research.web',
    );
    expect(web).toMatch(/^Web research is not configured on this server/);
    expect(web).not.toMatch(/[A-Z]+_[A-Z]+/);
    const model = plainMessage(
      'No language model is configured for planner: set LLM_MODEL and a provider (e.g. OPENAI_COMPATIBLE_BASE_URL)',
    );
    expect(model).toMatch(/Settings/);
    expect(model).not.toMatch(/LLM_MODEL/);
    expect(plainMessage('Storage is not configured: set S3_BUCKET')).toBe(
      'Storage is not configured. The person who runs this Blogsmith server can set this up.',
    );
  });

  it('leaves plain messages alone', () => {
    expect(plainMessage('Must be an http(s) URL')).toBe('Must be an http(s) URL');
  });
});

describe('one title', () => {
  it('reads and replaces the first level-1 heading', () => {
    const md = 'Intro line\n\n# Heat pumps\n\nText\n\n# Second';
    expect(titleOf(md)).toBe('Heat pumps');
    expect(withTitle(md, 'Heat pumps for families')).toBe(
      'Intro line\n\n# Heat pumps for families\n\nText\n\n# Second',
    );
    expect(titleOf('## Only a subheading')).toBeNull();
    expect(withTitle('Body', 'T')).toBe('# T\n\nBody');
    expect(withTitle('', 'T')).toBe('# T');
  });

  it('drops a closing run of #s only after a blank, as CommonMark does ("C#" keeps its sign)', () => {
    expect(titleOf('# C#\n\nText')).toBe('C#');
    expect(titleOf('# F#')).toBe('F#');
    expect(titleOf('# C# #')).toBe('C#');
    expect(titleOf('# Heat pumps ##   ')).toBe('Heat pumps');
    expect(titleOf('# Heat pumps\t#')).toBe('Heat pumps');
    expect(titleOf('# foo # bar')).toBe('foo # bar');
    expect(titleOf('# #hashtag')).toBe('#hashtag');
    expect(titleOf('# #')).toBe('');
    expect(titleOf('# ###')).toBe('');
    expect(titleOf('#')).toBe('');
    expect(titleOf('#Heat pumps')).toBeNull();
    expect(titleOf('#  Heat pumps  ')).toBe('Heat pumps');
    // Typing "C#" in the Title field reads back as "C#", not "C".
    expect(titleOf(withTitle('# Languages\n\nText', 'C#'))).toBe('C#');
  });

  it('skips `#` lines inside fenced code, and rewrites only the heading line', () => {
    const code = 'Intro\n\n```bash\n# install it\napt-get install heat\n```\n\nMore';
    expect(titleOf(code)).toBeNull();
    // No heading outside code: one is added on top, the code is left alone.
    expect(withTitle(code, 'Heat pumps')).toBe(`# Heat pumps\n\n${code}`);
    const tilde = '~~~~\n# not a title\n~~~\n# still code\n~~~~\n# Heat pumps\n\nText';
    expect(titleOf(tilde)).toBe('Heat pumps');
    expect(withTitle(tilde, 'Heat pumps at home')).toBe(
      '~~~~\n# not a title\n~~~\n# still code\n~~~~\n# Heat pumps at home\n\nText',
    );
    // An unclosed fence runs to the end of the text.
    expect(titleOf('```\n# code')).toBeNull();
    // ``` with a backtick after it is inline code, not a fence.
    expect(titleOf('```a` b\n# Heat pumps')).toBe('Heat pumps');
  });

  it('writes the title as typed ($& is no replacement pattern) and keeps the line endings', () => {
    expect(withTitle('# Old\r\n\r\nText', 'Save $& now')).toBe('# Save $& now\r\n\r\nText');
    expect(titleOf('Intro\r# Heat pumps\r\rText')).toBe('Heat pumps');
  });

  it('reads a heading with a long run of trailing blanks quickly', () => {
    const md = `# a${' '.repeat(20_000)}b${' '.repeat(20_000)}\n\nText`;
    const started = performance.now();
    expect(titleOf(md)).toBe(`a${' '.repeat(20_000)}b`);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('live view state', () => {
  it("keeps a stable step list: planned steps until the server's declared list is read", async () => {
    const { plannedSteps } = await import('../../web/src/pages/live/steps.ts');
    const { initialLive, applyEvent } = await import('../../web/src/pages/live/live-events.ts');
    // What a grounded article without SEO does after its sections.
    const afterSections = ['intro', 'conclusion', 'factcheck', 'revise', 'citations', 'render'];
    let s = applyEvent(initialLive(), { type: 'step.started', data: { step: 'plan' } });
    const early = plannedSteps(s.steps, { factCheck: true, seo: false }).map((x) => x.name);
    expect(early).toEqual(['plan', 'gather', 'outline', 'sections', ...afterSections]);
    s = applyEvent(s, { type: 'step.started', data: { step: 'section:1' } });
    s = applyEvent(s, { type: 'step.started', data: { step: 'section:0' } });
    // The sections started before the client read the server's declared list: the later steps stay.
    expect(plannedSteps(s.steps, { factCheck: true, seo: false }).map((x) => x.name)).toEqual([
      'plan',
      'gather',
      'outline',
      'section:0',
      'section:1',
      ...afterSections,
    ]);
    s = applyEvent(s, { type: 'step.started', data: { step: 'render' } });
    expect(plannedSteps(s.steps, { factCheck: true, seo: false }).map((x) => x.name)).toEqual([
      'plan',
      'section:0',
      'section:1',
      'render',
    ]);
  });

  it('measures the writing pace from text deltas and estimates the time left', async () => {
    const { initialLive, applyEvent, pace } = await import('../../web/src/pages/live/live-events.ts');
    let s = initialLive();
    const words = 'word '.repeat(10); // 10 words, 50 characters
    for (let i = 0; i < 5; i++)
      s = applyEvent(s, { type: 'section.delta', data: { part: 'intro', text: words } }, 1_000 + i * 1_000);
    // 250 characters over 5 s: 12.5 tokens/s; 50 of 1,000 words written at 250/6/5 words/s → 114 s.
    const p = pace(s, 1_000, 6_000);
    expect(p?.tokensPerSecond).toBeCloseTo(12.5);
    expect(p?.secondsLeft).toBeCloseTo(114);
    // Too few recent deltas: no guess.
    expect(pace(s, 1_000, 60_000)).toBeNull();
  });
});
