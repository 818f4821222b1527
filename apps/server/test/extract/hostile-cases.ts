/**
 * Hostile inputs for the extractor: megabytes of spaces or digits, deep nesting, unclosed
 * tags/quotes/comments, giant attributes, floods of anchors and entities. Shared by the test
 * (sane output, expected fields) and by `npm run bench` (how long each takes): timing is the
 * bench's business, never a test's verdict.
 */
import type { ExtractInput, Extraction } from '../../src/extract/index.js';
import { button, page } from './helpers.js';

const MB = 1024 * 1024;

const html = (s: string): ExtractInput => ({ subject: '', text: null, html: s });
const text = (s: string): ExtractInput => ({ subject: '', text: s, html: null });

/** [name, input builder, fields the output must have]. */
export const HOSTILE_CASES: [string, () => ExtractInput, Partial<Extraction>?][] = [
  ['5 MB of spaces (html, text, subject)', () => ({ subject: ' '.repeat(MB), text: ' '.repeat(5 * MB), html: ' '.repeat(5 * MB) }), { otp: null, confirmationLink: null }],
  ['5 MB of digits', () => ({ subject: '1'.repeat(MB), text: '7'.repeat(5 * MB), html: '9'.repeat(5 * MB) }), { otp: null }],
  ['digit groups and one digit per cell', () => ({ subject: '', text: '123 '.repeat(MB), html: '<td>1</td>'.repeat(300_000) }), { otp: null }],
  ['single characters separated by spaces', () => ({ subject: '', text: '1 '.repeat(2 * MB), html: '<td>9</td>'.repeat(200_000) }), { otp: null }],
  ['<div> nested 100k deep', () => html('<div>'.repeat(100_000) + 'Your code: 123456' + '</div>'.repeat(100_000))],
  ['unclosed tags', () => html('<div <a <b '.repeat(200_000)), { otp: null, confirmationLink: null }],
  ['unclosed attribute quote', () => html('<p>code 482910</p><a href="' + 'x'.repeat(3 * MB))],
  ['unclosed comment', () => html('<!--' + 'a'.repeat(3 * MB)), { otp: null }],
  ['unclosed <style>', () => html('<style>' + '</styl'.repeat(400_000)), { otp: null }],
  ['giant attribute value', () => html('<a href="https://x.com/' + 'a'.repeat(2 * MB) + '">Verify</a>')],
  ['giant inline style', () => html('<div style="' + 'color:red;'.repeat(200_000) + '">code 123456</div>')],
  ['half a million attributes', () => html('<p ' + 'a=b '.repeat(500_000) + '>x</p>'), { otp: null }],
  ['40k anchors', () => html(button('https://e.com/verify?token=abc123def456ghi789', 'Verify email').repeat(20_000))],
  ['pathological numeric entities', () => html('&#99999999999999999;&amp;&#x;&#;&;&&&&'.repeat(60_000) + '&'.repeat(MB)), { otp: null }],
  ['long unknown entity names', () => html(('&' + 'a'.repeat(40) + ';').repeat(50_000)), { otp: null }],
  ['a flood of "<"', () => html('<'.repeat(3 * MB)), { otp: null, confirmationLink: null }],
  ['hyphen chains', () => text('A1-'.repeat(MB)), { otp: null }],
  ['"http" flood and a million URLs', () => ({ subject: '', text: 'http'.repeat(MB) + ' https://a.com/verify?token=abc123def456ghi789 '.repeat(100_000), html: null })],
  ['a million context words', () => ({ subject: 'code '.repeat(200), text: 'verification code 123456 '.repeat(200_000), html: null })],
  ['CJK flood', () => text('验证码验证码验'.repeat(300_000)), { otp: null }],
  ['huge realistic page', () => html(page('<p>Your code:</p><p style="font-size:30px">482910</p>' + '<p>Lorem ipsum 2025 dolor $4.99 sit amet.</p>'.repeat(50_000)))],
];

