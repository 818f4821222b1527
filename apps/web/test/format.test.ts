/** Plain-text link splitting (clickable links in plain-text mail): only http(s), punctuation kept out. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { senderLabel, splitLinks } from '../src/format.ts';

const urls = (text: string) => splitLinks(text).filter((p) => p.url).map((p) => p.url);

describe('splitLinks', () => {
  it('finds http and https URLs and keeps every character of the text', () => {
    const text = 'Confirm: https://example.com/verify?t=abc&u=1. Or http://x.test/a, then done';
    const parts = splitLinks(text);
    assert.equal(parts.map((p) => p.text).join(''), text);
    assert.deepEqual(urls(text), ['https://example.com/verify?t=abc&u=1', 'http://x.test/a']);
  });

  it('leaves a closing bracket outside unless the URL opened it', () => {
    assert.deepEqual(urls('(see https://example.com/a)'), ['https://example.com/a']);
    assert.deepEqual(urls('https://en.wikipedia.org/wiki/Foo_(bar) is it'), ['https://en.wikipedia.org/wiki/Foo_(bar)']);
    assert.deepEqual(urls('<https://example.com/b>'), ['https://example.com/b']);
  });

  it('never links other schemes', () => {
    assert.deepEqual(urls('javascript:alert(1) data:text/html,x file:///etc/passwd ftp://a.b/c'), []);
    assert.deepEqual(urls('xhttps://evil.test'), []);
  });
});

describe('senderLabel', () => {
  it('prefers the display name, then the address', () => {
    assert.equal(senderLabel({ sender: 'a@b.test', sender_name: 'GitHub' }), 'GitHub');
    assert.equal(senderLabel({ sender: 'a@b.test', sender_name: '  ' }), 'a@b.test');
    assert.equal(senderLabel({ sender: '' }), '(unknown sender)');
  });
});
