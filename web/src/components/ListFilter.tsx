// A search box that narrows a list, with what it matches said beside it (a live status).
import type { ReactNode } from 'react';

export function ListFilter({
  id,
  label,
  value,
  onChange,
  status,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  status?: ReactNode;
}) {
  const statusId = `${id}-status`;
  return (
    <div className="list-filter">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        className="list-filter-input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...(status === undefined ? {} : { 'aria-describedby': statusId })}
      />
      {status !== undefined && (
        <span id={statusId} className="meta" role="status">
          {status}
        </span>
      )}
    </div>
  );
}
