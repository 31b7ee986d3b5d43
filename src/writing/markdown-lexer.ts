// marked, with its emphasis search bounded. marked looks for the closer of each `*` or `_` run that
// may open emphasis through the rest of the paragraph, so a paragraph of openers that never close
// costs time in its length squared ("*_a" × 20,000, 60 kB: 47 s; 500 kB: hours). Here each search
// sees the next `emphasisReach` characters: emphasis longer than that stays literal `*`/`_`, and a
// paragraph costs at most its openers × that reach (markdown-limits.ts bounds the openers).
import { Marked, type MarkedExtension, Tokenizer, type Tokens } from 'marked';
import { withinNestingLimit } from './markdown-depth.ts';

/** How far emphasis may reach: far beyond a bold sentence, far below a paragraph of attack. */
export const emphasisReach = 500;
/** The longest plain-text run read at once (an e-mail address is at most 254 characters). */
export const textReach = 320;
const emailReach = 320;
const schemeStart = /^(?:(?:https?|ftp):\/\/|www\.|mailto:|xmpp:)/i;
// emStrong looks back over the delimiter run before the opener and two characters more.
const lookBehind = 100;

export const boundedEmphasis: MarkedExtension = {
  tokenizer: {
    emStrong(
      src: string,
      maskedSrc: string,
      prevChar?: string,
    ): Tokens.Em | Tokens.Strong | false | undefined {
      if (src.length <= emphasisReach) return false;
      // maskedSrc is the whole inline run masked; src is its tail from here. A window keeps the
      // same alignment (maskedSrc.length − src.length is where we are).
      const here = maskedSrc.length - src.length;
      const from = Math.max(0, here - lookBehind);
      return Tokenizer.prototype.emStrong.call(
        this,
        src.slice(0, emphasisReach),
        maskedSrc.slice(from, here + emphasisReach),
        prevChar,
      );
    },
    // Plain text runs to the next character that may start markup, but its rule looks ahead at
    // every position for an e-mail address (`[\w.!#$%&'*+/=?^`{|}~-]+@`), through every `*`, `_`
    // and letter that follows: in a paragraph of emphasis marks that is the whole rest of it, again
    // at each mark. A run longer than the window is read as consecutive runs, which the lexer joins.
    inlineText(src: string): Tokens.Text | false | undefined {
      if (src.length <= textReach) return false;
      return Tokenizer.prototype.inlineText.call(this, src.slice(0, textReach));
    },
    // A hard break is two spaces (or a backslash) before a line end; the rule, tried where each
    // text run stops, read the whole run of spaces ahead (500 kB of spaces between two words: 0.4 s).
    br(src: string): Tokens.Br | false | undefined {
      if (src.length <= textReach) return false;
      return Tokenizer.prototype.br.call(this, src.slice(0, textReach));
    },
    // The bare-address rule (GFM autolinks) likewise scans every address character ahead for an
    // `@` at each position. An address that starts with its scheme (or www.) is read whole; a bare
    // e-mail address within the first `emailReach` characters.
    url(src: string): Tokens.Link | false | undefined {
      if (schemeStart.test(src)) return false;
      const reach = src.slice(0, emailReach);
      // Without an `@` ahead there is no address here.
      if (!reach.includes('@')) return undefined;
      return src.length <= emailReach ? false : Tokenizer.prototype.url.call(this, reach);
    },
  },
};

const lexerInstance = new Marked({ gfm: true }, boundedEmphasis);

/**
 * marked's lexer (GFM) with bounded emphasis, nesting within the limit: the tokens every
 * server-side reader of Markdown walks.
 */
export const lexMarkdown = (markdown: string) => lexerInstance.lexer(withinNestingLimit(markdown));
