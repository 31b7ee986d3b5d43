// Amounts in messages: cents from $0.01 up, small amounts with up to 4 significant digits.
import { describe, expect, it } from 'vitest';
import { usdText } from '../../src/llm/usd-text.ts';

describe('usdText', () => {
  it('shows cents from a cent up', () => {
    expect(usdText(0)).toBe('$0.00');
    expect(usdText(0.01)).toBe('$0.01');
    expect(usdText(5)).toBe('$5.00');
    expect(usdText(12.345)).toBe('$12.35');
    expect(usdText(1234.5)).toBe('$1234.50');
  });

  it('keeps up to 4 significant digits below a cent, without trailing zeros', () => {
    expect(usdText(0.0005)).toBe('$0.0005');
    expect(usdText(0.001)).toBe('$0.001');
    expect(usdText(0.001234567)).toBe('$0.001235');
    expect(usdText(0.00999)).toBe('$0.00999');
    expect(usdText(0.0099999)).toBe('$0.01');
    expect(usdText(0.00000012)).toBe('$0.00000012');
  });
});
