/**
 * Fits a mail frame to its message: HTML wider than the frame (a 600 px newsletter on a phone)
 * is zoomed out to the frame's width, and the frame takes the content's height, so the page
 * scrolls instead of a box inside it. The frame is sandboxed without scripts, same-origin only
 * so that this page can read its layout; nothing in it can run (see docs/web.md).
 */

/** Never zoom below this: smaller text is unreadable; the frame scrolls sideways instead. */
const MIN_ZOOM = 0.35;
/** The frame's height before its content is measured (and for an empty message). */
export const FRAME_MIN_HEIGHT = 120;

export interface FrameFit {
  zoom: number;
  height: number;
}

/** Measures the frame's document and applies the fit; null while the document is not readable. */
export function fitFrame(frame: HTMLIFrameElement): FrameFit | null {
  let doc: Document | null = null;
  try {
    doc = frame.contentDocument;
  } catch {
    return null; // not same-origin (an older server's frame): it keeps its fixed height
  }
  const root = doc?.documentElement;
  if (!doc || !root || !doc.body) return null;
  const available = frame.clientWidth;
  if (available <= 0) return null;
  root.style.zoom = '';
  // The widest of the document and its body: a fixed-width table overflows the body's box.
  const natural = Math.max(root.scrollWidth, doc.body.scrollWidth);
  const zoom = natural > available + 1 ? Math.max(MIN_ZOOM, available / natural) : 1;
  if (zoom < 1) root.style.zoom = String(zoom);
  // Shrunk first, the frame's scroll height is its content's (not its own old height); both
  // happen before the next paint, so nothing flickers.
  frame.style.height = `${FRAME_MIN_HEIGHT}px`;
  const height = Math.max(FRAME_MIN_HEIGHT, Math.ceil((doc.scrollingElement ?? root).scrollHeight));
  frame.style.height = `${height}px`;
  return { zoom, height };
}
