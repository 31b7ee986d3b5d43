// Waiting items that take turns across their keys (a workspace, say): each key's items in the order
// they came, the keys round robin. One key's pile then delays another key's next item by one item,
// not by the whole pile. Shared by everything that makes work wait for a scarce resource: the
// bounded queue (worker processes, pages, uploads), the model rate limiter's lanes and the caps on
// calls in flight to local model servers.
export class Turns<T> {
  // Keys in turn order: a key that was given a turn goes to the back (a Map keeps insertion order).
  private readonly byKey = new Map<string, T[]>();
  private count = 0;

  /** Items waiting in all. */
  get size(): number {
    return this.count;
  }

  /** Items of `key` waiting. */
  sizeOf(key: string): number {
    return this.byKey.get(key)?.length ?? 0;
  }

  push(key: string, item: T): void {
    const items = this.byKey.get(key);
    if (items) items.push(item);
    else this.byKey.set(key, [item]);
    this.count++;
  }

  /** The item whose turn it is, left in place. */
  peek(): T | undefined {
    const first = this.byKey.values().next();
    return first.done ? undefined : first.value[0];
  }

  /** Takes the item whose turn it is; its key goes to the back of the turns. */
  shift(): T | undefined {
    const first = this.byKey.entries().next();
    if (first.done) return undefined;
    const [key, items] = first.value;
    const item = items.shift();
    this.byKey.delete(key);
    if (items.length > 0) this.byKey.set(key, items);
    this.count--;
    return item;
  }

  /** Takes `item` out of its key's items wherever it waits (it gave up); false if it was not there. */
  remove(key: string, item: T): boolean {
    const items = this.byKey.get(key);
    const at = items ? items.indexOf(item) : -1;
    if (!items || at < 0) return false;
    items.splice(at, 1);
    if (items.length === 0) this.byKey.delete(key);
    this.count--;
    return true;
  }

  /** The key with the most items waiting, and how many (undefined when none wait). */
  busiest(): { key: string; waiting: number } | undefined {
    let busiest: { key: string; waiting: number } | undefined;
    for (const [key, items] of this.byKey)
      if (!busiest || items.length > busiest.waiting) busiest = { key, waiting: items.length };
    return busiest;
  }

  /** Takes the newest item of `key`. */
  pop(key: string): T | undefined {
    const items = this.byKey.get(key);
    if (!items) return undefined;
    const item = items.pop();
    if (items.length === 0) this.byKey.delete(key);
    this.count--;
    return item;
  }
}
