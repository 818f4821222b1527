/** Unit tests of the extractor's building blocks: entities, HTML text, keywords, candidates, URLs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAttribute } from '../../src/extract/entities.js';
import { F_BIG, F_HIDDEN, F_MONO, F_SPACED, htmlToDoc } from '../../src/extract/html.js';
import { categoriesOf } from '../../src/extract/keywords.js';
import { findCandidates } from '../../src/extract/candidates.js';
import { analyseUrl } from '../../src/extract/url.js';
import { ACTIVATE, CODE, LINKNEG, LOGIN, NEGNUM, VERIFY } from '../../src/extract/words.js';

describe('entities', () => {
  test('decodes named, decimal and hex references in attributes', () => {
    assert.equal(decodeAttribute('a?x=1&amp;y=2&#038;z=3&#x26;w=4'), 'a?x=1&y=2&z=3&w=4');
    assert.equal(decodeAttribute('&quot;&lt;&gt;&nbsp;'), '"<>\u00a0');
  });
  test('leaves unknown or unterminated names alone', () => {
    assert.equal(decodeAttribute('?a=1&copy=2&foo;'), '?a=1&copy=2&foo;');
    assert.equal(decodeAttribute('&#;&#x;&'), '&#;&#x;&');
  });
});

describe('html to text', () => {
  test('collapses whitespace, breaks blocks into lines and cells into tabs', () => {
    const doc = htmlToDoc('<p>Hello   <b>world</b></p><table><tr><td>1</td><td>2</td></tr></table><br>end');
    assert.equal(doc.text, 'Hello world\n1\t2\nend');
  });
  test('skips head, style, script and comments', () => {
    const doc = htmlToDoc('<head><title>T 123456</title><style>.a{color:#123456}</style></head><!-- 654321 --><script>var a=1</script>Body');
    assert.equal(doc.text, 'Body');
  });
  test('flags hidden, big, monospaced and letter-spaced text', () => {
    const doc = htmlToDoc('<div style="display:none">pre</div><p style="font-size:32px">big</p><code>mono</code><span style="letter-spacing:4px">wide</span>');
    const flagsOf = (word: string) => doc.spans.find((s) => doc.text.slice(s.start, s.end).includes(word))?.flags ?? 0;
    assert.ok(flagsOf('pre') & F_HIDDEN);
    assert.ok(flagsOf('big') & F_BIG);
    assert.ok(flagsOf('mono') & F_MONO);
    assert.ok(flagsOf('wide') & F_SPACED);
  });
  test('collects anchors with text, alt text and button styling', () => {
    const doc = htmlToDoc(
      '<td bgcolor="#0b7a75"><a href="https://e.com/v?a=1&amp;b=2">Verify  email</a></td>' +
        '<a href="https://e.com/fb"><img src="f.png" alt="Facebook"></a><a>no href</a>',
    );
    assert.equal(doc.anchors.length, 2);
    assert.deepEqual([doc.anchors[0].href, doc.anchors[0].text, doc.anchors[0].button], ['https://e.com/v?a=1&b=2', 'Verify email', true]);
    assert.deepEqual([doc.anchors[1].text, doc.anchors[1].alt, doc.anchors[1].button], ['', 'Facebook', false]);
  });
});

describe('keywords', () => {
  test('multilingual categories', () => {
    assert.ok(categoriesOf('Verification code') & CODE);
    assert.ok(categoriesOf('Sicherheitscode') & CODE);
    assert.ok(categoriesOf('код подтверждения') & VERIFY);
    assert.ok(categoriesOf('验证码') & CODE);
    assert.ok(categoriesOf('認証コード') & CODE);
    assert.ok(categoriesOf('رمز التحقق') & CODE);
    assert.ok(categoriesOf('Iniciar sesión') & LOGIN);
    assert.ok(categoriesOf('Activer votre compte') & ACTIVATE);
  });
  test('longest entry wins: phrases and longer stems override', () => {
    assert.equal(categoriesOf('promo code') & CODE, 0);
    assert.ok(categoriesOf('promo code') & NEGNUM);
    assert.ok(categoriesOf('code postal') & NEGNUM);
    assert.ok(categoriesOf("Vérifier l'activité") & LINKNEG);
    assert.equal(categoriesOf('deactivate') & ACTIVATE, 0);
    assert.equal(categoriesOf('unsubscribe') & VERIFY, 0);
    assert.ok(categoriesOf('招待コード') & NEGNUM);
  });
});

describe('code candidates', () => {
  const values = (s: string) => findCandidates(s, 1e6).map((c) => c.value);
  test('formats', () => {
    assert.deepEqual(values('482910\n482 910\n482-910\nG-482910\nFWK-7RT\n7KQ2X'), ['482910', '482910', '482910', '482910', 'FWK7RT', '7KQ2X']);
    // digit groups that run on are one long number (a phone or card number), not a code
    assert.deepEqual(values('482910 482 910'), []);
    assert.deepEqual(values('Code:\n2\t9\t4\t0\t7\t1\n'), ['294071']);
  });
  test('shapes that are never codes', () => {
    assert.deepEqual(
      values(
        '203.0.113.58 4.17.21 $49.99 49,99 € #123456 +1 800-555-0142 (503) 555-0148 01 23 45 67 89 ' +
          '2025-03-07 14:42 CA 94043 25% jdoe_gamer a@b1234.com kiwi7 https://x.com/123456 62704-5517 30 minutes',
      ),
      [],
    );
  });
});

describe('urls', () => {
  test('click tracking, secrets, homepages', () => {
    assert.ok(analyseUrl('https://u1.ct.sendgrid.net/ls/click?upn=abc').tracked);
    assert.ok(analyseUrl('https://email.mg.example.com/c/eJxVjMsOgjAQRX9').tracked);
    assert.ok(analyseUrl('https://mandrillapp.com/track/click/3000/e.com?p=ey').tracked);
    const magic = analyseUrl('https://acme.slack.com/z-app-1459721664-684845cc9808fcb636875e43c76bf8dc');
    assert.ok(magic.secret && !magic.tracked && !magic.negative);
    assert.ok(analyseUrl('https://shop.example.com/').homepage);
    assert.ok(analyseUrl('https://example.com/unsubscribe?u=1').negative);
    assert.ok(analyseUrl('https://x.firebaseapp.com/__/auth/action?mode=verifyEmail&oobCode=Ab12').tokenParam);
    assert.equal(analyseUrl('mailto:a@b.c').ok, false);
  });
});
