// An Idempotency-Key for a POST that creates something (an article run): sent again with a retry
// of the same request, so a retry after a lost answer finds what the first one made.
// crypto.randomUUID exists only in secure contexts; a LAN install over plain HTTP is not one.
export const randomKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
