// A text the model wrote, to adjust and copy: an editable box with its length against the platform's
// limit (X's counted as X counts it) and Copy — or, without the Clipboard API, the text selected for
// Ctrl+C.
import { useEffect, useState } from 'react';
import { xLength } from '../../../src/tools/x-length.ts';

export interface TextLimit {
  max: number;
  unit: 'characters' | 'x';
}

const lengthOf = (text: string, unit: TextLimit['unit']) => (unit === 'x' ? xLength(text) : text.length);

export function CopyableText({
  id,
  label,
  value,
  limit,
}: {
  id: string;
  label: string;
  value: string;
  limit?: TextLimit | null | undefined;
}) {
  const [text, setText] = useState(value);
  const [copied, setCopied] = useState(false);
  // A new answer replaces what was edited of the last one.
  useEffect(() => {
    setText(value);
    setCopied(false);
  }, [value]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      const box = document.getElementById(id) as HTMLTextAreaElement | null;
      box?.focus();
      box?.select();
    }
  };
  const length = lengthOf(text, limit?.unit ?? 'characters');
  const over = limit ? length > limit.max : false;
  const rows = Math.min(14, Math.max(2, Math.ceil(text.length / 70) + (text.match(/\n/g)?.length ?? 0)));

  return (
    <div className="copyable">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={text}
        rows={rows}
        onChange={(e) => {
          setText(e.target.value);
          setCopied(false);
        }}
        aria-describedby={`${id}-length`}
        aria-invalid={over || undefined}
      />
      <div className="copyable-foot">
        <span id={`${id}-length`} className={over ? 'meta over-limit' : 'meta'}>
          {limit
            ? `${length} / ${limit.max}${limit.unit === 'x' ? ' as X counts' : ''}${over ? ' — over the limit' : ''}`
            : `${length} characters`}
        </span>
        <button type="button" className="secondary" onClick={copy} aria-label={`Copy ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
