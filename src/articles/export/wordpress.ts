// WordPress block markup (Gutenberg), built from the article's sanitized HTML as WordPress 6.x
// serializes its core blocks: pasted into the code editor or sent as a post's `content`, each part
// opens as its own block (heading, paragraph, list with list items, quote, code, table, separator,
// image), and anything else as a Custom HTML block rather than one "Classic" chunk.
import { elementNode, listStart, parseArticleHtml, type DomNode as WpNode } from './article-blocks.ts';

const children = (node: WpNode) => Array.from(node.childNodes);
const isBlank = (node: WpNode) => node.nodeType !== elementNode && !(node.textContent ?? '').trim();
const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (value: string) => escapeText(value).replace(/"/g, '&quot;');
const voidTags = new Set(['br', 'hr', 'img']);

// Written here rather than with linkedom's outerHTML, which leaves "&" unescaped in attribute values
// (an address holding "&amp;lt;" came out as "&lt;", which reads back as "<").
function htmlOf(node: WpNode): string {
  if (node.nodeType !== elementNode) return escapeText(node.textContent ?? '');
  const tag = node.nodeName.toLowerCase();
  const attributes = Array.from(node.attributes ?? [])
    .map(({ name, value }) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  return voidTags.has(tag) ? `<${tag}${attributes}/>` : `<${tag}${attributes}>${innerOf(node)}</${tag}>`;
}

const innerOf = (node: WpNode) => children(node).map(htmlOf).join('');

/** Block attributes as WordPress writes them in the delimiter (only numbers and booleans here). */
function block(name: string, html: string, attributes: Record<string, number | boolean> = {}): string {
  const json = Object.keys(attributes).length > 0 ? ` ${JSON.stringify(attributes)}` : '';
  return `<!-- wp:${name}${json} -->\n${html}\n<!-- /wp:${name} -->`;
}

const idOf = (node: WpNode) => {
  const id = node.getAttribute?.('id');
  return id ? ` id="${escapeAttribute(id)}"` : '';
};

function image(img: WpNode): string {
  const src = img.getAttribute?.('src') ?? '';
  const alt = img.getAttribute?.('alt') ?? '';
  return block(
    'image',
    `<figure class="wp-block-image"><img src="${escapeAttribute(src)}" alt="${escapeAttribute(alt)}"/></figure>`,
  );
}

function list(node: WpNode): string {
  const ordered = node.nodeName === 'OL';
  const start = listStart(node.getAttribute?.('start'));
  const tag = ordered ? 'ol' : 'ul';
  const items = children(node)
    .filter((child) => child.nodeName === 'LI')
    .map((item) => {
      // A list item holds its text and, as inner blocks, its nested lists; a loose item's
      // paragraphs become lines of its text (a list item holds no paragraph blocks).
      const text: string[] = [];
      const nested: string[] = [];
      for (const child of children(item)) {
        if (child.nodeName === 'UL' || child.nodeName === 'OL') nested.push(list(child));
        else if (child.nodeName === 'P')
          text.push(`${text.some((part) => part.trim()) ? '<br>' : ''}${innerOf(child)}`);
        else text.push(htmlOf(child));
      }
      const content = text.join('').trim();
      return block('list-item', `<li>${content}${nested.join('\n')}</li>`);
    });
  // 1 is the list block's default, which WordPress leaves out; a list may start at 0.
  const numbered = ordered && start !== 1;
  const attributes = {
    ...(ordered ? { ordered: true } : {}),
    ...(numbered ? { start } : {}),
  };
  const startAttribute = numbered ? ` start="${start}"` : '';
  return block(
    'list',
    `<${tag}${startAttribute} class="wp-block-list">${items.join('\n')}</${tag}>`,
    attributes,
  );
}

function blockOf(node: WpNode): string {
  const tag = node.nodeName;
  const heading = /^H([1-6])$/.exec(tag);
  if (heading) {
    const level = Number(heading[1]);
    const html = `<h${level}${idOf(node)} class="wp-block-heading">${innerOf(node)}</h${level}>`;
    // Level 2 is the heading block's default, which WordPress leaves out of the delimiter.
    return block('heading', html, level === 2 ? {} : { level });
  }
  switch (tag) {
    case 'P': {
      const content = children(node).filter((child) => !isBlank(child));
      if (content.length === 1 && content[0]!.nodeName === 'IMG') return image(content[0]!);
      return block('paragraph', `<p${idOf(node)}>${innerOf(node)}</p>`);
    }
    case 'UL':
    case 'OL':
      return list(node);
    case 'BLOCKQUOTE':
      return block('quote', `<blockquote class="wp-block-quote">${blocksOf(node)}</blockquote>`);
    case 'PRE': {
      // The code block keeps its text; a language class is not a core attribute.
      return block(
        'code',
        `<pre class="wp-block-code"><code>${escapeText(node.textContent ?? '')}</code></pre>`,
      );
    }
    case 'TABLE':
      return block('table', `<figure class="wp-block-table">${htmlOf(node)}</figure>`);
    case 'HR':
      return block('separator', '<hr class="wp-block-separator has-alpha-channel-opacity"/>');
    default:
      return block('html', htmlOf(node));
  }
}

function blocksOf(container: WpNode): string {
  return children(container)
    .filter((child) => !isBlank(child))
    .map(blockOf)
    .join('\n\n');
}

/** The article's sanitized HTML as WordPress blocks. */
export function wordpressBlocks(html: string): string {
  return `${blocksOf(parseArticleHtml(html))}\n`;
}
