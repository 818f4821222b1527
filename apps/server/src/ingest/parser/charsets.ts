/**
 * Charsets Node's TextDecoder does not know. postal-mime decodes every part and encoded word
 * through the global TextDecoder and falls back to windows-1252 when it throws; Node 20's
 * lacks ISO-8859-16 (Romanian and other South-East European mail: "ș" came out as "º"), although
 * the WHATWG Encoding Standard has it. This file puts a TextDecoder in place that decodes any
 * label the native one refuses but iconv-lite knows, and leaves every other label to the native
 * decoder untouched.
 */
import iconv from 'iconv-lite';

const NativeTextDecoder = globalThis.TextDecoder;

/** Whether the native TextDecoder takes `label` (cached: labels repeat from message to message). */
const nativeKnows = new Map<string, boolean>();
function native(label: string): boolean {
  let known = nativeKnows.get(label);
  if (known === undefined) {
    try {
      new NativeTextDecoder(label);
      known = true;
    } catch {
      known = false;
    }
    if (nativeKnows.size < 256) nativeKnows.set(label, known);
  }
  return known;
}

const asBuffer = (input?: ArrayBuffer | ArrayBufferView): Buffer => {
  if (!input) return Buffer.alloc(0);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return Buffer.from(input);
};

class TextDecoderWithFallbacks extends NativeTextDecoder {
  private readonly iconvLabel: string | null = null;
  private iconvDecoder: ReturnType<typeof iconv.getDecoder> | null = null;

  constructor(label = 'utf-8', options?: TextDecoderOptions) {
    const wanted = String(label).trim().toLowerCase();
    const fallback = !native(wanted) && iconv.encodingExists(wanted);
    super(fallback ? 'utf-8' : label, options);
    if (fallback) this.iconvLabel = wanted;
  }

  override get encoding(): string {
    return this.iconvLabel ?? super.encoding;
  }

  override decode(input?: ArrayBuffer | ArrayBufferView, options?: TextDecodeOptions): string {
    if (this.iconvLabel === null) return super.decode(input, options);
    this.iconvDecoder ??= iconv.getDecoder(this.iconvLabel);
    const text = this.iconvDecoder.write(asBuffer(input));
    if (options?.stream) return text;
    const rest = this.iconvDecoder.end() ?? '';
    this.iconvDecoder = null;
    return text + rest;
  }
}

/** Puts the TextDecoder above in place in this process (idempotent). */
export function installCharsetFallbacks(): void {
  if (globalThis.TextDecoder !== TextDecoderWithFallbacks) globalThis.TextDecoder = TextDecoderWithFallbacks as typeof TextDecoder;
}
