// Syllables of German, French and Spanish words, counted as vowel groups with each language's
// spelling rules — the counting readability tools use where no pronouncing dictionary exists.
// Hyphenation patterns (the `hyphen` package's TeX patterns) were considered and not used: they
// mark where a line may break, with minimums of 2–3 letters at each end, so "Abend", "Idee", "été"
// or "océan" would count one syllable too few. Known misses are hiatuses the spelling does not
// show (German "Theater", "Familie"; French "pays"): each costs one syllable.
import { isNumberToken } from '../writing/words.ts';

const germanVowels = /[aeiouyäöü]+/g;
const frenchVowels = /[aeiouyàâäéèêëîïôöûùüÿœæ]+/g;
const spanishVowels = /[aeiouáéíóúü]+(?:y(?![aeiouáéíóú]))?|y(?![aeiouáéíóú])/g;

const groups = (word: string, vowels: RegExp) => word.match(vowels) ?? [];

// German diphthongs and long vowels (ei, au, eu, äu, ie, aa, ee, oo) are one vowel group: one syllable.
function german(word: string): number {
  return groups(word, germanVowels).length;
}

// French: the u of "qu" and of "gu" before e/i is silent; a final mute -e/-es is not pronounced
// ("table", "pompes") except in one-vowel words ("le", "que").
function french(word: string): number {
  const spelled = word.replace(/qu(?=[aeiouyàâéèêëîïôûù])/g, 'q').replace(/gu(?=[eiéèêëîï])/g, 'g');
  const count = groups(spelled, frenchVowels).length;
  const muteEnding = /[^aeiouyàâäéèêëîïôöûùüÿœæ]es?$/.test(spelled);
  return muteEnding && count > 1 ? count - 1 : count;
}

const strong = new Set([...'aeoáéó']);
const accentedWeak = new Set([...'íú']);

// Spanish: the u of "que/qui/gue/gui" is silent (ü is pronounced); inside a vowel group two strong
// vowels (a, e, o) or an accented í/ú are separate syllables (hiatus: "po-e-ta", "dí-a"), an
// unaccented i/u with another vowel is one (diphthong: "ciu-dad", "ai-re"); y is a vowel only
// where no vowel follows ("hoy", "muy").
function spanish(word: string): number {
  const spelled = word.replace(/([qg])u(?=[eiéí])/g, '$1');
  let count = 0;
  for (const group of groups(spelled, spanishVowels)) {
    count++;
    for (let i = 1; i < group.length; i++) {
      const a = group[i - 1] ?? '';
      const b = group[i] ?? '';
      if ((strong.has(a) && strong.has(b)) || accentedWeak.has(a) || accentedWeak.has(b)) count++;
    }
  }
  return count;
}

const counters: Readonly<Record<string, (word: string) => number>> = { de: german, fr: french, es: spanish };

/** Whether `countSyllablesIn` knows the language's spelling (primary subtag "de", "fr", "es"). */
export const countsSyllablesOf = (primaryLanguage: string) => primaryLanguage in counters;

/** Syllables of one word in `primaryLanguage` ("de", "fr", "es"); a figure counts one, as in Flesch's rules. */
export function countSyllablesIn(word: string, primaryLanguage: string): number {
  if (isNumberToken(word)) return 1;
  const counter = counters[primaryLanguage];
  if (!counter) throw new Error(`no syllable counter for "${primaryLanguage}"`);
  return Math.max(1, counter(word.toLocaleLowerCase(primaryLanguage)));
}
