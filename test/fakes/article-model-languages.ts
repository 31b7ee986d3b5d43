// The fake writer's fixed phrases in the languages the language tests ask for. Like a real model,
// it writes in the language the system prompt asks for ("… in German (de) …"); the English
// phrases are the ones every other test has always seen.
export type FakeLanguage = 'en' | 'de' | 'fr' | 'es' | 'ja';

export interface FakePhrases {
  /** The sentence terminator the sections' sentences end with. */
  stop: string;
  questions: (topic: string) => string[];
  guideTitle: (topic: string) => string;
  aspects: string[];
  sectionHeading: (aspect: string, topic: string) => string;
  goal: (aspect: string) => string;
  keyPoint: (topic: string) => string;
  faq: (topic: string) => string[];
  noSourceParagraph: (heading: string, i: number) => string;
  intro: (title: string, phrase?: string) => string;
  conclusion: (title: string) => string;
  faqAnswer: string;
  metaDescription: (keyword: string) => string;
}

const capitalised = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

export const fakePhrases: Record<FakeLanguage, FakePhrases> = {
  en: {
    stop: '.',
    questions: (t) => [`What is ${t}?`, `Why does ${t} matter?`, `How to get started with ${t}?`],
    guideTitle: (t) => `A practical guide to ${t}`,
    aspects: [
      'Background',
      'Key benefits',
      'Common pitfalls',
      'Practical steps',
      'Tools',
      'Measuring results',
      'Case studies',
      'Next steps',
    ],
    sectionHeading: (a, t) => `${a} of ${t}`,
    goal: (a) => `Explain ${a.toLowerCase()}.`,
    keyPoint: (t) => `Point about ${t}`,
    faq: (t) => [`How long does ${t} take?`, `Is ${t} worth it?`],
    noSourceParagraph: (h, i) =>
      `Teams that think about ${h.toLowerCase()} tend to plan ahead and review their results regularly. Point ${i} is that small, steady improvements compound over time and make the work easier to sustain.`,
    intro: (title, phrase) =>
      `${phrase ? `${capitalised(phrase)} matters more than ever. ` : ''}This article, ${title}, walks through what matters, why it matters and how to act on it. Each section builds on the last so you can apply the ideas step by step.`,
    conclusion: (title) =>
      `The main takeaway of ${title} is simple: start small, measure honestly and improve steadily. Pick one idea from this article and try it this week.`,
    faqAnswer: 'It depends on your goals, but most teams see results within a few weeks of steady practice.',
    metaDescription: (k) =>
      `Learn ${k} with this practical guide: what it is, why it matters and the concrete steps to get started today, with sources.`,
  },
  de: {
    stop: '.',
    questions: (t) => [`Was ist ${t}?`, `Warum ist ${t} wichtig?`, `Wie fängt man mit ${t} an?`],
    guideTitle: (t) => `Ein praktischer Leitfaden: ${t}`,
    aspects: ['Hintergrund', 'Vorteile', 'Typische Fehler', 'Praktische Schritte', 'Werkzeuge', 'Ergebnisse'],
    sectionHeading: (a, t) => `${a}: ${t}`,
    goal: (a) => `${a} erklären.`,
    keyPoint: (t) => `Ein Punkt zu ${t}`,
    faq: (t) => [`Wie lange dauert ${t}?`, `Lohnt sich ${t}?`],
    noSourceParagraph: (h, i) =>
      `Wer sich mit ${h} beschäftigt, plant voraus und prüft die Ergebnisse regelmäßig. Punkt ${i}: Kleine, stetige Verbesserungen summieren sich mit der Zeit.`,
    intro: (title, phrase) =>
      `${phrase ? `${capitalised(phrase)} ist wichtiger denn je. ` : ''}Dieser Artikel, ${title}, zeigt, worauf es ankommt, warum es wichtig ist und wie man handelt. Jeder Abschnitt baut auf dem vorigen auf.`,
    conclusion: (title) =>
      `Die wichtigste Erkenntnis aus ${title} ist einfach: klein anfangen, ehrlich messen und stetig verbessern. Probieren Sie diese Woche eine Idee aus.`,
    faqAnswer: 'Das hängt von Ihren Zielen ab, aber die meisten sehen nach wenigen Wochen erste Ergebnisse.',
    metaDescription: (k) =>
      `${capitalised(k)} verständlich erklärt: was es ist, warum es wichtig ist und wie Sie heute anfangen, mit Quellen.`,
  },
  fr: {
    stop: '.',
    questions: (t) => [
      `Qu'est-ce que ${t} ?`,
      `Pourquoi ${t} est important ?`,
      `Comment commencer avec ${t} ?`,
    ],
    guideTitle: (t) => `Un guide pratique : ${t}`,
    aspects: ['Contexte', 'Avantages', 'Erreurs fréquentes', 'Étapes pratiques', 'Outils', 'Résultats'],
    sectionHeading: (a, t) => `${a} : ${t}`,
    goal: (a) => `Expliquer ${a.toLowerCase()}.`,
    keyPoint: (t) => `Un point sur ${t}`,
    faq: (t) => [`Combien de temps prend ${t} ?`, `Est-ce que ${t} vaut la peine ?`],
    noSourceParagraph: (h, i) =>
      `Les équipes qui réfléchissent à ${h} planifient et vérifient leurs résultats. Point ${i} : de petites améliorations régulières finissent par compter.`,
    intro: (title, phrase) =>
      `${phrase ? `${capitalised(phrase)} compte plus que jamais. ` : ''}Cet article, ${title}, explique ce qui compte, pourquoi et comment agir. Chaque partie s'appuie sur la précédente.`,
    conclusion: (title) =>
      `La leçon principale de ${title} est simple : commencer petit, mesurer honnêtement et progresser. Essayez une idée cette semaine.`,
    faqAnswer: 'Cela dépend de vos objectifs, mais la plupart voient des résultats en quelques semaines.',
    metaDescription: (k) =>
      `Tout sur ${k} : ce que c'est, pourquoi c'est important et comment commencer dès aujourd'hui, avec des sources.`,
  },
  es: {
    stop: '.',
    questions: (t) => [`¿Qué es ${t}?`, `¿Por qué importa ${t}?`, `¿Cómo empezar con ${t}?`],
    guideTitle: (t) => `Una guía práctica: ${t}`,
    aspects: ['Contexto', 'Ventajas', 'Errores comunes', 'Pasos prácticos', 'Herramientas', 'Resultados'],
    sectionHeading: (a, t) => `${a}: ${t}`,
    goal: (a) => `Explicar ${a.toLowerCase()}.`,
    keyPoint: (t) => `Un punto sobre ${t}`,
    faq: (t) => [`¿Cuánto tiempo lleva ${t}?`, `¿Vale la pena ${t}?`],
    noSourceParagraph: (h, i) =>
      `Los equipos que piensan en ${h} planifican y revisan sus resultados. Punto ${i}: las mejoras pequeñas y constantes se acumulan con el tiempo.`,
    intro: (title, phrase) =>
      `${phrase ? `${capitalised(phrase)} importa más que nunca. ` : ''}Este artículo, ${title}, explica qué importa, por qué y cómo actuar. Cada sección se apoya en la anterior.`,
    conclusion: (title) =>
      `La idea principal de ${title} es sencilla: empezar poco a poco, medir con honestidad y mejorar. Pruebe una idea esta semana.`,
    faqAnswer: 'Depende de sus objetivos, pero la mayoría ve resultados en pocas semanas.',
    metaDescription: (k) =>
      `Todo sobre ${k}: qué es, por qué importa y cómo empezar hoy mismo, con fuentes citadas en cada paso.`,
  },
  ja: {
    stop: '。',
    questions: (t) => [`${t}とは何か？`, `${t}はなぜ重要か？`, `${t}はどう始めるか？`],
    guideTitle: (t) => `${t}の実践ガイド`,
    aspects: ['背景', '利点', 'よくある失敗', '実践の手順', '道具', '成果の測り方'],
    sectionHeading: (a, t) => `${t}の${a}`,
    goal: (a) => `${a}を説明する。`,
    keyPoint: (t) => `${t}についての要点`,
    faq: (t) => [`${t}にはどのくらい時間がかかりますか？`, `${t}は価値がありますか？`],
    noSourceParagraph: (h, i) =>
      `${h}を考えるチームは、前もって計画し、結果を定期的に見直します。要点${i}：小さな改善の積み重ねが大きな差になります。`,
    intro: (title, phrase) =>
      `${phrase ? `${phrase}はこれまで以上に重要です。` : ''}この記事「${title}」では、何が大切で、なぜ大切で、どう行動すべきかを説明します。各節は前の節に基づいています。`,
    conclusion: (title) =>
      `「${title}」の要点は簡単です。小さく始め、正直に測り、着実に改善することです。今週ひとつ試してみてください。`,
    faqAnswer: '目標によりますが、多くの場合は数週間で成果が見えてきます。',
    metaDescription: (k) =>
      `${k}について、その仕組み、重要な理由、今日から始める具体的な手順を、出典とともにわかりやすく解説します。`,
  },
};

/** The language the system prompt asks for ("… in German (de) …"); English when it names none the fake speaks. */
export function askedLanguage(system: string): FakeLanguage {
  const tag = /\bin [^()\n]+ \(([A-Za-z]{2,3})(?:-[A-Za-z0-9-]+)?\)/.exec(system)?.[1]?.toLowerCase();
  return tag && tag in fakePhrases ? (tag as FakeLanguage) : 'en';
}
