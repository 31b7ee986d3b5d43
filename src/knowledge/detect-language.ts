// The language of a document's text, so its chunks are stemmed with the right text-search
// configuration (src/db/text-search.ts). Scripts decide first (kana → Japanese, Hangul → Korean,
// Cyrillic → Russian…); Latin-script text is told apart by its most frequent function words,
// which are distinctive per language and need no model. Too little evidence → undefined (callers
// then stem with `simple`, which never mangles a word).

const scripts: ReadonlyArray<[RegExp, string]> = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, 'ja'],
  [/\p{Script=Hangul}/gu, 'ko'],
  [/\p{Script=Han}/gu, 'zh'],
  [/\p{Script=Cyrillic}/gu, 'ru'],
  [/\p{Script=Greek}/gu, 'el'],
  [/\p{Script=Arabic}/gu, 'ar'],
];

// Frequent words that are rare or absent in the other listed languages.
const functionWords: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set('the and of to is that with for are this was have from which'.split(' ')),
  de: new Set('der die das und ist nicht mit auf für den dem ein eine sich auch wird werden'.split(' ')),
  fr: new Set('le la les et est des une pour dans pas qui sur avec sont du au'.split(' ')),
  es: new Set('el los las y es una para por con del que se como está son'.split(' ')),
  it: new Set('il gli che della per con sono non una nel alla delle è'.split(' ')),
  pt: new Set('os uma para com não são pelo pela das dos em mais foi'.split(' ')),
  nl: new Set('het een van en is niet met voor zijn dat wordt ook op'.split(' ')),
  // The languages with a stemming configuration (text-search.ts) whose text was taken for English
  // or nothing: stored unstemmed, "värmepump" did not find "värmepumpar".
  sv: new Set('och att är inte eller för som det med av till den har kan också'.split(' ')),
  fi: new Set('ja on ei että se ovat tai kun myös ole joka mutta tämä kuin'.split(' ')),
  tr: new Set('ve bir bu için ile olarak çok daha gibi ama değil olan en'.split(' ')),
};

const minimumHits = 3;

/** A BCP 47 primary tag for `text` ("de", "ja"…), or undefined when the text does not tell. */
export function detectLanguage(text: string): string | undefined {
  const sample = text.slice(0, 20_000);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return undefined;
  // Japanese mixes kana with Han characters: a real share of kana in text that is mostly Japanese
  // script makes it Japanese, not Chinese — but a few kana glosses do not make English Japanese.
  const han = sample.match(/\p{Script=Han}/gu)?.length ?? 0;
  for (const [pattern, tag] of scripts) {
    const count = sample.match(pattern)?.length ?? 0;
    if (tag === 'ja' ? count / letters > 0.05 && (count + han) / letters > 0.3 : count / letters > 0.3)
      return tag;
  }
  const tokens = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best: string | undefined;
  let bestHits = 0;
  let secondHits = 0;
  for (const [tag, words] of Object.entries(functionWords)) {
    const hits = tokens.filter((t) => words.has(t)).length;
    if (hits > bestHits) {
      secondHits = bestHits;
      bestHits = hits;
      best = tag;
    } else if (hits > secondHits) secondHits = hits;
  }
  return bestHits >= minimumHits && bestHits > secondHits ? best : undefined;
}

/** The language chunks are stored (and stemmed) in; unrecognised text keeps the default of briefs, English. */
export function chunksLanguage(chunks: ReadonlyArray<{ rawText: string }>): string {
  return detectLanguage(chunks.map((c) => c.rawText).join('\n')) ?? 'en';
}
