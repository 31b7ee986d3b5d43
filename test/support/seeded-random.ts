// A fixed pseudo-random sequence (mulberry32): generated test inputs are the same on every run, so a
// failure names an input that can be reproduced from its seed. 32-bit integer arithmetic throughout
// (Math.imul): the linear congruential generator this replaces multiplied past what a double holds
// exactly, and its sequences fell into short cycles.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
