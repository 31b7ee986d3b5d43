// Editor › export: Markdown, HTML, text, JSON, Word, PDF, WordPress blocks.
import { useState } from 'react';
import { type Article, messageOf } from '../../api.ts';
import { download } from '../../ui.tsx';

export function ExportPanel({
  article,
  dirty,
  onReview,
}: {
  article: Article;
  dirty: boolean;
  onReview?: () => void;
}) {
  const [error, setError] = useState<string>();
  const flagged = new Set(article.instructionFlags.filter((f) => f.in === 'article').map((f) => f.text)).size;
  // Format, label, and the file's extension should the answer not name it.
  const formats = [
    ['md', 'Markdown', 'md'],
    ['html', 'HTML', 'html'],
    ['txt', 'Plain text', 'txt'],
    ['json', 'JSON', 'json'],
    ['docx', 'Word (DOCX)', 'docx'],
    ['pdf', 'PDF', 'pdf'],
    ['wordpress', 'WordPress blocks', 'wordpress.html'],
  ] as const;
  return (
    <div>
      {dirty && <p className="notice">You have unsaved changes: exports contain the saved text.</p>}
      {flagged > 0 && (
        // Exports are allowed (the decision is the writer's), never silent: see the Fact check panel.
        <p className="warning" role="status">
          {flagged === 1 ? 'One passage' : `${flagged} passages`} of the text read like instructions to a
          model and would be exported as they are.{' '}
          {onReview && (
            <button type="button" className="link" onClick={onReview}>
              Review them in Fact check
            </button>
          )}
        </p>
      )}
      <div className="actions">
        {formats.map(([format, label, extension]) => (
          <button
            key={format}
            type="button"
            className="secondary"
            onClick={() => {
              setError('');
              download(
                `/api/v1/articles/${article.id}/export?format=${format}`,
                `${article.slug || 'article'}.${extension}`,
              ).catch((e: unknown) => setError(messageOf(e)));
            }}
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
