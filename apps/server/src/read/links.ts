/**
 * Every link a person can click in a message, in order (`links` in read.php): the HTML part's
 * anchors with their visible text (an image's alt text when that is all the anchor shows), or,
 * for a text-only message, the URLs in its text. Only http(s) and mailto links: a `javascript:`
 * or `data:` href is nothing a reader should follow, and `#fragment` links go nowhere.
 */
import { Parser } from 'htmlparser2';
import LinkifyIt from 'linkify-it';

export interface MessageLink {
  url: string;
  text: string;
}

/** Links kept per message; a newsletter has dozens, a hostile message could have millions. */
export const MAX_LINKS = 500;
const MAX_TEXT = 500;
const CLICKABLE = /^(https?:\/\/|mailto:)/i;

const linkify = new LinkifyIt();

/** The links of a message: from its HTML when it has one, else from its text. */
export function messageLinks(html: string | null, text: string): MessageLink[] {
  return html ? htmlLinks(html) : textLinks(text);
}

/** Anchors of an HTML document in order, `href` as written (entities decoded). */
export function htmlLinks(html: string): MessageLink[] {
  const links: MessageLink[] = [];
  let open: { url: string; text: string; alt: string } | null = null;
  let skipDepth = 0; // inside <script>/<style>/<head> text is not visible
  const close = () => {
    if (!open) return;
    const text = collapse(open.text) || collapse(open.alt);
    if (CLICKABLE.test(open.url) && links.length < MAX_LINKS) links.push({ url: open.url, text: text.slice(0, MAX_TEXT) });
    open = null;
  };
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'script' || name === 'style' || name === 'head' || name === 'title') skipDepth++;
      else if (name === 'a') {
        close(); // anchors do not nest
        const href = (attrs.href ?? '').trim();
        if (href) open = { url: href, text: '', alt: '' };
      } else if (name === 'img' && open && attrs.alt) open.alt += ` ${attrs.alt}`;
      else if (name === 'br' && open) open.text += ' ';
    },
    ontext(data) {
      if (open && skipDepth === 0 && open.text.length < MAX_TEXT * 2) open.text += data;
    },
    onclosetag(name) {
      if (name === 'script' || name === 'style' || name === 'head' || name === 'title') skipDepth = Math.max(0, skipDepth - 1);
      else if (name === 'a') close();
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.write(html);
  parser.end();
  close();
  return links;
}

/** URLs written in plain text, in order; each link's text is the URL as written. */
export function textLinks(text: string): MessageLink[] {
  const found = linkify.match(text) ?? [];
  return found
    .filter((m) => CLICKABLE.test(m.url))
    .slice(0, MAX_LINKS)
    .map((m) => ({ url: m.url, text: m.raw }));
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
