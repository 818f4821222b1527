/**
 * A character trie packed into a double array (BASE/CHECK), so a lookup step
 * is two typed-array reads instead of chasing per-node objects.
 *
 * The keyword lists hold ~3,000 trie nodes; as objects with a 128-slot child
 * array each they took megabytes, and walking them was dominated by cache
 * misses. Packed, the whole trie is a few tens of kilobytes.
 *
 * States are positive integers ({@link ROOT} is the root); 0 means "no such
 * state". From state `s`, the child for code unit `c` is
 * `t = base[s] + sym[c]`, valid when `check[t] === s`. Symbols are numbered
 * from 1, so a code unit in no entry (symbol 0) never matches.
 */

export const ROOT = 1;

/** Categories stored at a state when no entry ends there. */
export const NONE = -1;

export interface PackedTrie {
  /** Symbol of each UTF-16 code unit (after case folding, if the trie folds); 0 = unused. */
  readonly sym: Uint16Array;
  readonly base: Int32Array;
  readonly check: Int32Array;
  /** Categories of an entry ending exactly at the state ({@link NONE} if none). */
  readonly exact: Int32Array;
  /** Categories of a `stem*` entry ending at the state ({@link NONE} if none). */
  readonly prefix: Int32Array;
}

/** Entry of the builder: the code units of one word (already folded) and what matches at its end. */
export interface TrieEntry {
  units: number[];
  cats: number;
  isPrefix: boolean;
}

interface BuildNode {
  children: Map<number, BuildNode>;
  exact: number;
  prefix: number;
}

/**
 * Builds the packed trie. `fold(c)` maps a text code unit to the unit stored
 * in the entries (lower-casing), or is the identity.
 */
export function packTrie(entries: readonly TrieEntry[], fold: (c: number) => number): PackedTrie {
  const root: BuildNode = { children: new Map(), exact: NONE, prefix: NONE };
  for (const e of entries) {
    let cur = root;
    for (const u of e.units) {
      let next = cur.children.get(u);
      if (!next) {
        next = { children: new Map(), exact: NONE, prefix: NONE };
        cur.children.set(u, next);
      }
      cur = next;
    }
    if (e.isPrefix) cur.prefix = cur.prefix < 0 ? e.cats : cur.prefix | e.cats;
    else cur.exact = cur.exact < 0 ? e.cats : cur.exact | e.cats;
  }

  // symbols in order of first use, breadth first, so frequent (shallow) units get small numbers
  const symOfUnit = new Map<number, number>();
  const order: BuildNode[] = [root];
  for (let k = 0; k < order.length; k++) {
    for (const [u, child] of order[k].children) {
      if (!symOfUnit.has(u)) symOfUnit.set(u, symOfUnit.size + 1);
      order.push(child);
    }
  }
  const maxSym = symOfUnit.size;

  // place states: every node's children get slots base + symbol that are still free
  const base: number[] = [0, 0];
  const check: number[] = [0, -1]; // slot 1 is the root; -1 keeps it from being handed out
  const stateOf = new Map<BuildNode, number>([[root, ROOT]]);
  let firstFree = 2;
  for (const node of order) {
    const state = stateOf.get(node) as number;
    if (node.children.size === 0) continue;
    const syms = [...node.children.keys()].map((u) => symOfUnit.get(u) as number).sort((x, y) => x - y);
    while (firstFree < check.length && check[firstFree] !== 0) firstFree++;
    let b = Math.max(1, firstFree - syms[0]);
    for (;;) {
      let fits = true;
      for (const s of syms) {
        if (b + s < check.length && check[b + s] !== 0) {
          fits = false;
          break;
        }
      }
      if (fits) break;
      b++;
    }
    const end = b + syms[syms.length - 1] + 1;
    while (check.length < end) {
      check.push(0);
      base.push(0);
    }
    base[state] = b;
    for (const [u, child] of node.children) {
      const slot = b + (symOfUnit.get(u) as number);
      check[slot] = state;
      stateOf.set(child, slot);
    }
  }
  // padding: base + any symbol stays inside the arrays
  const size = check.length + maxSym + 1;
  const packed = {
    sym: new Uint16Array(0x10000),
    base: Int32Array.from({ length: size }, (_, k) => base[k] ?? 0),
    check: Int32Array.from({ length: size }, (_, k) => (k === ROOT ? 0 : check[k] ?? 0)),
    exact: new Int32Array(size).fill(NONE),
    prefix: new Int32Array(size).fill(NONE),
  };
  for (const [node, state] of stateOf) {
    packed.exact[state] = node.exact;
    packed.prefix[state] = node.prefix;
  }
  const symByUnit = new Uint16Array(0x10000);
  for (const [u, sym] of symOfUnit) symByUnit[u] = sym;
  for (let c = 0; c < 0x10000; c++) packed.sym[c] = symByUnit[fold(c)];
  return packed;
}
