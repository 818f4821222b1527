/**
 * Replaces methods of one of postal-mime's body decoders (base64-decoder.ts, qp-decoder.ts), in the
 * parser processes only. postal-mime exports neither decoder, so the class is reached through
 * the very module its own files import (an ES module is one instance per process). The patch
 * checks that it found a class with the methods it replaces and changes nothing otherwise, so a
 * postal-mime release that moves its files makes the parser slower, never wrong; the unit
 * tests fail in that case, so an upgrade cannot lose the speed unnoticed.
 */

interface DecoderClass {
  prototype: Record<string, unknown>;
}

export async function patchPostalMimeDecoder(file: string, methods: Record<string, (...args: never[]) => unknown>): Promise<boolean> {
  let decoder: DecoderClass | undefined;
  try {
    const entry = import.meta.resolve('postal-mime');
    decoder = ((await import(new URL(`./${file}`, entry).href)) as { default?: DecoderClass }).default;
  } catch {
    return false;
  }
  const proto = decoder?.prototype;
  if (!proto || !Object.keys(methods).every((name) => typeof proto[name] === 'function')) return false;
  Object.assign(proto, methods);
  return true;
}
