/**
 * A queue that takes turns between keys (senders): each `shift` serves the next key in
 * rotation, first in first out within a key. A sender that queues a hundred messages waits
 * behind its own, not in front of everyone else's.
 */
export class FairQueue<T> {
  /** Per key its waiting items; the Map's order is the rotation (a served key moves to the back). */
  private readonly byKey = new Map<string, T[]>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    const items = this.byKey.get(key);
    if (items) items.push(item);
    else this.byKey.set(key, [item]);
    this.count++;
  }

  /** The oldest item of the key whose turn it is, or undefined when empty. */
  shift(): T | undefined {
    const next = this.byKey.entries().next();
    if (next.done) return undefined;
    const [key, items] = next.value;
    const item = items.shift()!;
    this.byKey.delete(key);
    if (items.length > 0) this.byKey.set(key, items);
    this.count--;
    return item;
  }

  /** Removes and returns everything, in no particular order. */
  drain(): T[] {
    const all = [...this.byKey.values()].flat();
    this.byKey.clear();
    this.count = 0;
    return all;
  }
}
