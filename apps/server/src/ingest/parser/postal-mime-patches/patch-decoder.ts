/**
 * Replaces methods of one of postal-mime's internal classes (its body decoders for
 * base64-decoder.ts and qp-decoder.ts, its MimeNode for header-folding.ts), in the parser
 * processes only. postal-mime exports none of them, so the class is reached through the very
 * module its own files import (an ES module is one instance per process). The patch checks that
 * it found a class with the methods it replaces and changes nothing otherwise, so a postal-mime
 * release that moves its files makes the parser slower, never wrong; the unit tests fail in
 * that case, so an upgrade cannot lose the speed unnoticed.
 */

interface PostalMimeClass {
  prototype: Record<string, unknown>;
}

/** The prototype of the default export of postal-mime's src/<file>, when it has all these methods; else null. */
export async function postalMimePrototype(file: string, methods: string[]): Promise<Record<string, unknown> | null> {
  let found: PostalMimeClass | undefined;
  try {
    const entry = import.meta.resolve('postal-mime');
    found = ((await import(new URL(`./${file}`, entry).href)) as { default?: PostalMimeClass }).default;
  } catch {
    return null;
  }
  const proto = found?.prototype;
  return proto && methods.every((name) => typeof proto[name] === 'function') ? proto : null;
}

/** Replaces `methods` on the class in postal-mime's src/<file>; false (nothing changed) when it is not found. */
export async function patchPostalMimeDecoder(file: string, methods: Record<string, (...args: never[]) => unknown>): Promise<boolean> {
  const proto = await postalMimePrototype(file, Object.keys(methods));
  if (!proto) return false;
  Object.assign(proto, methods);
  return true;
}
