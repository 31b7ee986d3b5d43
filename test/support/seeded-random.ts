// A fixed pseudo-random sequence (a linear congruential generator): generated test inputs are the
// same on every run, so a failure names an input that can be reproduced from its seed.
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
