// Editor › export: Markdown, HTML, text, JSON.
import { useState } from 'react';
import { type Article, messageOf } from '../../api.ts';
import { download } from '../../ui.tsx';

export function ExportPanel({ article, dirty }: { article: Article; dirty: boolean }) {
  const [error, setError] = useState<string>();
  const formats = [
    ['md', 'Markdown'],
    ['html', 'HTML'],
    ['txt', 'Plain text'],
    ['json', 'JSON'],
  ] as const;
  return (
    <div>
      {dirty && <p className="notice">You have unsaved changes: exports contain the saved text.</p>}
      <div className="actions">
        {formats.map(([format, label]) => (
          <button
            key={format}
            type="button"
            className="secondary"
            onClick={() =>
              download(
                `/api/v1/articles/${article.id}/export?format=${format}`,
                `${article.slug || 'article'}.${format}`,
              ).catch((e: unknown) => setError(messageOf(e)))
            }
          >
            Export {label}
          </button>
        ))}
      </div>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
