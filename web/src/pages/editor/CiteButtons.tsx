// The `[n]` buttons after a sentence or claim: each shows its source.
export function CiteButtons({ sources, onSelect }: { sources: number[]; onSelect: (n: number) => void }) {
  return sources.map((n) => (
    <button
      key={n}
      type="button"
      className="cite"
      onClick={() => onSelect(n)}
      aria-label={`Show source ${n}`}
    >
      [{n}]
    </button>
  ));
}
