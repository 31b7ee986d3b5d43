// A secret the API shows once (a new API key, a webhook's signing secret): the value, selected on
// focus; Copy — or, without the Clipboard API (plain HTTP), the value selected for Ctrl+C; Done.
import { useEffect, useState } from 'react';

export function ShownOnce({
  id,
  notice,
  label,
  value,
  copyLabel = 'Copy',
  onDone,
}: {
  id: string;
  notice: string;
  label: string;
  value: string;
  copyLabel?: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new value has not been copied yet
  useEffect(() => setCopied(false), [value]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      const input = document.getElementById(id) as HTMLInputElement | null;
      input?.focus();
      input?.select();
      setCopied(false);
    }
  };

  return (
    <div className="card new-key" role="status">
      <p>
        <strong>{notice}</strong>
      </p>
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
      <div className="actions">
        <button type="button" className="secondary" onClick={copy}>
          {copied ? 'Copied' : copyLabel}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
