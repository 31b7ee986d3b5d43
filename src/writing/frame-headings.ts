// The headings the code writes around the written parts — the conclusion's, the FAQ's and the
// references list's — in the article's language, and their recognition when an article is read
// back (regeneration, SEO analysis, citation checks, rendering). Recognition accepts the labels of
// every language, not only the article's: an article's brief may change after it was written, and
// a writer may edit a heading into another language.

export interface FrameLabels {
  conclusion: string;
  faq: string;
  references: string;
}

const english: FrameLabels = {
  conclusion: 'Conclusion',
  faq: 'Frequently asked questions',
  references: 'References',
};

// By primary language subtag. Chinese in traditional script has its own entry (`zh-Hant`).
const labelsByLanguage: Readonly<Record<string, FrameLabels>> = {
  en: english,
  ar: { conclusion: 'الخلاصة', faq: 'الأسئلة الشائعة', references: 'المراجع' },
  bg: { conclusion: 'Заключение', faq: 'Често задавани въпроси', references: 'Източници' },
  ca: { conclusion: 'Conclusió', faq: 'Preguntes freqüents', references: 'Referències' },
  cs: { conclusion: 'Závěr', faq: 'Často kladené otázky', references: 'Zdroje' },
  da: { conclusion: 'Konklusion', faq: 'Ofte stillede spørgsmål', references: 'Kilder' },
  de: { conclusion: 'Fazit', faq: 'Häufig gestellte Fragen', references: 'Quellen' },
  el: { conclusion: 'Συμπέρασμα', faq: 'Συχνές ερωτήσεις', references: 'Πηγές' },
  es: { conclusion: 'Conclusión', faq: 'Preguntas frecuentes', references: 'Referencias' },
  fi: { conclusion: 'Yhteenveto', faq: 'Usein kysytyt kysymykset', references: 'Lähteet' },
  fr: { conclusion: 'Conclusion', faq: 'Questions fréquentes', references: 'Références' },
  he: { conclusion: 'סיכום', faq: 'שאלות נפוצות', references: 'מקורות' },
  hi: { conclusion: 'निष्कर्ष', faq: 'अक्सर पूछे जाने वाले प्रश्न', references: 'संदर्भ' },
  hr: { conclusion: 'Zaključak', faq: 'Česta pitanja', references: 'Izvori' },
  hu: { conclusion: 'Összegzés', faq: 'Gyakran ismételt kérdések', references: 'Források' },
  id: { conclusion: 'Kesimpulan', faq: 'Pertanyaan yang sering diajukan', references: 'Referensi' },
  it: { conclusion: 'Conclusione', faq: 'Domande frequenti', references: 'Fonti' },
  ja: { conclusion: 'まとめ', faq: 'よくある質問', references: '参考文献' },
  ko: { conclusion: '결론', faq: '자주 묻는 질문', references: '참고 자료' },
  nb: { conclusion: 'Konklusjon', faq: 'Ofte stilte spørsmål', references: 'Kilder' },
  nl: { conclusion: 'Conclusie', faq: 'Veelgestelde vragen', references: 'Bronnen' },
  nn: { conclusion: 'Konklusjon', faq: 'Ofte stilte spørsmål', references: 'Kjelder' },
  pl: { conclusion: 'Podsumowanie', faq: 'Najczęściej zadawane pytania', references: 'Źródła' },
  pt: { conclusion: 'Conclusão', faq: 'Perguntas frequentes', references: 'Referências' },
  ro: { conclusion: 'Concluzie', faq: 'Întrebări frecvente', references: 'Surse' },
  ru: { conclusion: 'Заключение', faq: 'Часто задаваемые вопросы', references: 'Источники' },
  sk: { conclusion: 'Záver', faq: 'Často kladené otázky', references: 'Zdroje' },
  sv: { conclusion: 'Slutsats', faq: 'Vanliga frågor', references: 'Källor' },
  th: { conclusion: 'สรุป', faq: 'คำถามที่พบบ่อย', references: 'แหล่งอ้างอิง' },
  tr: { conclusion: 'Sonuç', faq: 'Sıkça sorulan sorular', references: 'Kaynaklar' },
  uk: { conclusion: 'Висновки', faq: 'Поширені запитання', references: 'Джерела' },
  vi: { conclusion: 'Kết luận', faq: 'Câu hỏi thường gặp', references: 'Tài liệu tham khảo' },
  zh: { conclusion: '结论', faq: '常见问题', references: '参考资料' },
  'zh-Hant': { conclusion: '結論', faq: '常見問題', references: '參考資料' },
};

// "no" (Norwegian) is written as Bokmål unless the tag says Nynorsk.
const aliases: Readonly<Record<string, string>> = { no: 'nb' };

/** The frame headings for an article in `language` (a BCP 47 tag): English for a language not listed. */
export function frameLabels(language: string | undefined): FrameLabels {
  if (!language) return english;
  const primary = language.split(/[-_]/)[0]!.toLowerCase();
  if (primary === 'zh' && chineseScript(language) === 'Hant') return labelsByLanguage['zh-Hant']!;
  return labelsByLanguage[aliases[primary] ?? primary] ?? english;
}

// zh-Hant, zh-TW, zh-HK and zh-MO are written in traditional characters.
function chineseScript(tag: string): string | undefined {
  try {
    return new Intl.Locale(tag).maximize().script;
  } catch {
    return undefined;
  }
}

/**
 * A heading as its label is compared: Unicode-composed, spacing collapsed, lower case, and the
 * Turkish dotted and dotless i read as i ("SIKÇA" lower-cases to "sikça", not "sıkça").
 */
const folded = (text: string) =>
  text
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/ı/g, 'i')
    .replace(/i\u0307/g, 'i');

const allLabels = Object.values(labelsByLanguage);
const labelSet = (kind: keyof FrameLabels, englishVariants: readonly string[]) =>
  new Set([...englishVariants, ...allLabels.map((labels) => labels[kind])].map(folded));

const conclusionLabels = labelSet('conclusion', ['conclusion', 'summary', 'final thoughts']);
const faqLabels = labelSet('faq', ['faq', 'faqs', 'frequently asked questions']);
const referencesLabels = labelSet('references', ['references', 'sources', 'bibliography']);

/** Whether a heading's text names the conclusion, in any language (case and spacing aside). */
export const isConclusionHeading = (text: string) => conclusionLabels.has(folded(text));

/** Whether a heading's text names the FAQ, in any language (case and spacing aside). */
export const isFaqHeading = (text: string) => faqLabels.has(folded(text));

/** Whether a heading's text names the references list, in any language (case and spacing aside). */
export const isReferencesHeading = (text: string) => referencesLabels.has(folded(text));
