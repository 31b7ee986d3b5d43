// The headings written around the parts (conclusion, FAQ, references) follow the article's
// language; they are recognised whatever the language they were written in.
import { describe, expect, it } from 'vitest';
import {
  frameLabels,
  isConclusionHeading,
  isFaqHeading,
  isReferencesHeading,
} from '../../src/writing/frame-headings.ts';

describe('frameLabels', () => {
  it('gives the native labels of the language, by its primary subtag', () => {
    expect(frameLabels('de')).toEqual({
      conclusion: 'Fazit',
      faq: 'Häufig gestellte Fragen',
      references: 'Quellen',
    });
    expect(frameLabels('de-AT')).toEqual(frameLabels('de'));
    expect(frameLabels('es-MX')).toEqual({
      conclusion: 'Conclusión',
      faq: 'Preguntas frecuentes',
      references: 'Referencias',
    });
    expect(frameLabels('pt-BR').conclusion).toBe('Conclusão');
    expect(frameLabels('ja')).toEqual({ conclusion: 'まとめ', faq: 'よくある質問', references: '参考文献' });
    expect(frameLabels('no')).toEqual(frameLabels('nb'));
  });

  it('writes Chinese in the script of the tag', () => {
    expect(frameLabels('zh').references).toBe('参考资料');
    expect(frameLabels('zh-CN').references).toBe('参考资料');
    expect(frameLabels('zh-TW').references).toBe('參考資料');
    expect(frameLabels('zh-Hant').faq).toBe('常見問題');
  });

  it('keeps English for English, no language and a language it has no labels for', () => {
    const english = { conclusion: 'Conclusion', faq: 'Frequently asked questions', references: 'References' };
    expect(frameLabels('en')).toEqual(english);
    expect(frameLabels('en-GB')).toEqual(english);
    expect(frameLabels(undefined)).toEqual(english);
    expect(frameLabels('sw')).toEqual(english);
  });

  it('has a label of each kind for the common languages', () => {
    for (const tag of ['es', 'fr', 'de', 'it', 'pt', 'nl', 'sv', 'da', 'nb', 'no', 'fi', 'pl', 'tr'])
      expect(frameLabels(tag).faq, tag).not.toBe('Frequently asked questions');
    for (const tag of ['ru', 'uk', 'cs', 'ja', 'zh', 'ko'])
      expect(frameLabels(tag).references, tag).not.toBe('References');
  });
});

describe('frame heading recognition', () => {
  it('accepts the English variants it always did', () => {
    for (const text of ['Conclusion', 'summary', 'FINAL THOUGHTS', ' final  thoughts '])
      expect(isConclusionHeading(text), text).toBe(true);
    for (const text of ['FAQ', 'faqs', 'Frequently Asked Questions'])
      expect(isFaqHeading(text), text).toBe(true);
    for (const text of ['References', 'sources', 'Bibliography '])
      expect(isReferencesHeading(text), text).toBe(true);
    expect(isConclusionHeading('Conclusions and next steps')).toBe(false);
    expect(isReferencesHeading('Further reading')).toBe(false);
  });

  it("accepts every language's labels, whatever the article's language", () => {
    for (const tag of ['de', 'es', 'fr', 'ja', 'zh-TW', 'ko', 'ru', 'tr', 'pl']) {
      const labels = frameLabels(tag);
      expect(isConclusionHeading(labels.conclusion), tag).toBe(true);
      expect(isFaqHeading(labels.faq), tag).toBe(true);
      expect(isReferencesHeading(labels.references), tag).toBe(true);
      // Not another kind's label.
      expect(isReferencesHeading(labels.conclusion), tag).toBe(false);
      expect(isConclusionHeading(labels.faq), tag).toBe(false);
    }
  });

  it('reads case, spacing and Unicode composition aside', () => {
    expect(isFaqHeading('HÄUFIG GESTELLTE  FRAGEN')).toBe(true);
    expect(isReferencesHeading('RÉFÉRENCES')).toBe(true);
    // "é" written as "e" and a combining accent.
    expect(isReferencesHeading('Re\u0301fe\u0301rences')).toBe(true);
    // Turkish upper case: "SIKÇA" lower-cases to "sikça".
    expect(isFaqHeading('SIKÇA SORULAN SORULAR')).toBe(true);
    expect(isConclusionHeading('ЗАКЛЮЧЕНИЕ')).toBe(true);
  });
});
