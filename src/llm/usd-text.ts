// Dollars in a message a person reads. Cents alone made a small budget read "$0.00 of its $0.00":
// below a cent an amount keeps up to 4 significant digits ($0.0005, $0.001234).

export function usdText(usd: number): string {
  if (usd === 0 || !Number.isFinite(usd) || Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = 3 - Math.floor(Math.log10(Math.abs(usd)));
  return `$${usd.toFixed(decimals).replace(/0+$/, '')}`;
}
