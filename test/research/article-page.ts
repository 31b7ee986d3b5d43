// A realistic news-style article page: site chrome around one article.
export function articlePage(opts: {
  title: string;
  paragraphs: string[];
  canonical?: string;
  published?: string;
  lang?: string;
}): string {
  return `<!doctype html>
<html lang="${opts.lang ?? 'en'}">
<head>
  <meta charset="utf-8">
  <title>${opts.title} | The Daily Example</title>
  ${opts.canonical ? `<link rel="canonical" href="${opts.canonical}">` : ''}
  ${opts.published ? `<meta property="article:published_time" content="${opts.published}">` : ''}
  <script>window.tracking = { id: 'UA-1' };</script>
  <style>body { font-family: serif; }</style>
</head>
<body>
  <header class="site-header">
    <nav class="main-nav"><ul>
      <li><a href="/">Home</a></li><li><a href="/world">World</a></li>
      <li><a href="/subscribe">Subscribe to our newsletter</a></li>
    </ul></nav>
  </header>
  <main>
    <article>
      <h1>${opts.title}</h1>
      <p class="byline">By <span class="author">Ada Lovelace</span></p>
      ${opts.paragraphs.map((p) => `<p>${p}</p>`).join('\n      ')}
    </article>
    <aside class="sidebar"><h3>Trending</h3><ul><li><a href="/x">Celebrity gossip roundup</a></li></ul></aside>
  </main>
  <footer class="site-footer"><p>Copyright 2026 The Daily Example. All rights reserved.</p>
    <nav><a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></nav></footer>
</body>
</html>`;
}

/** Paragraphs of distinct, plausible prose about a topic (each call's text differs by `seed`). */
export function prose(topic: string, seed: string, count = 6): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `${seed} paragraph ${i + 1} explains how ${topic} affects households, with figures from the ${seed} survey, ` +
      `interviews with engineers and installers, and a comparison of costs over ten years of ownership in several regions.`,
  );
}
