/** Small builders for the extractor's inline fixtures. */
import { extract, type Extraction } from '../../src/extract/index.js';

export interface Mail {
  subject?: string;
  text?: string | null;
  html?: string | null;
}

/** Runs the extractor on a partial message (missing parts are null, subject empty). */
export function run(mail: Mail): Extraction {
  return extract({ subject: mail.subject ?? '', text: mail.text ?? null, html: mail.html ?? null });
}

/**
 * Wraps body HTML in a typical transactional template: a style block full of
 * hex colours, a hidden pre-header, and a footer with privacy, help,
 * unsubscribe and social links, an address and a tracking pixel.
 */
export function page(body: string, preheader = ''): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Message</title>
<style>body{background:#f4f4f4;color:#123456} .btn{background-color:#1a73e8} .muted{color:#999999}</style></head>
<body style="margin:0;background-color:#f4f4f4">
<div style="display:none;max-height:0;overflow:hidden">${preheader}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="600" style="background-color:#ffffff"><tr><td style="padding:32px;font-size:16px">
${body}
</td></tr>
<tr><td style="padding:24px;font-size:12px;color:#999999">
Example Corp, 500 Howard St, Suite 300, San Francisco, CA 94105 &middot; &copy; 2025 Example Corp<br>
<a href="https://example.com/privacy">Privacy</a> &middot; <a href="https://help.example.com/">Help</a> &middot;
<a href="https://example.com/unsubscribe?u=8f7d6s5a4s3d2f1g0h9j">Unsubscribe</a> &middot;
<a href="https://twitter.com/example"><img src="https://example.com/tw.png" alt="Twitter" width="24" height="24"></a>
</td></tr></table>
</td></tr></table>
<img src="https://t.example.com/open.gif?u=abc123def456ghi789" width="1" height="1" alt="">
</body></html>`;
}

/** A bulletproof-style button: a coloured cell around a padded link. */
export function button(href: string, text: string): string {
  return `<table role="presentation"><tr><td bgcolor="#1a73e8" style="border-radius:4px">` +
    `<a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;color:#ffffff;text-decoration:none">${text}</a>` +
    `</td></tr></table>`;
}
