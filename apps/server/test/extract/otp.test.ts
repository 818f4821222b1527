/**
 * One-time code extraction on the project's own inline fixtures (no shared
 * corpus needed): layouts, formats, languages, and numbers that are not codes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { page, run, type Mail } from './helpers.js';

function otp(mail: Mail): string | null {
  return run(mail).otp;
}

describe('otp: layouts', () => {
  test('code only in the HTML part, big and bold', () => {
    const html = page('<p>Your verification code is:</p><p style="font-size:32px"><b>482910</b></p>');
    assert.equal(otp({ subject: 'Verify your email', text: 'Open this message in an HTML viewer.', html }), '482910');
  });

  test('each digit in its own table cell (with spacer cells)', () => {
    const cells = '4 8 2 9 1 0'
      .split(' ')
      .map((d) => `<td width="40" style="font-size:28px;border:1px solid #ddd">${d}</td><td width="8">&nbsp;</td>`)
      .join('');
    const html = page(`<p>Enter this code to continue:</p><table><tr>${cells}</tr></table>`);
    assert.equal(otp({ html }), '482910');
  });

  test('letter-spaced monospace block', () => {
    const html = page('<h2>Your login code</h2><div style="letter-spacing:0.4em;font-size:30px;font-family:Menlo,monospace">731904</div>');
    assert.equal(otp({ html }), '731904');
  });

  test('one span per digit', () => {
    const html = page('<p>One-time passcode:</p><p><span>5</span> <span>0</span> <span>2</span> <span>8</span> <span>1</span> <span>6</span></p>');
    assert.equal(otp({ html }), '502816');
  });

  test('zero-width spaces inside the code', () => {
    const html = page('<p>Your verification code:</p><p>48&#8203;29&#8203;10</p>');
    assert.equal(otp({ html }), '482910');
  });

  test('code only in the subject', () => {
    const text = 'Hi, someone requested a sign-in to your account.\nExample Inc, 123 Main St, Springfield, IL 62704';
    assert.equal(otp({ subject: 'Your Example sign-in code is 731902', text }), '731902');
    assert.equal(otp({ subject: '664120 is your Example code', text: 'Enter the code from the subject line. PO Box 4521' }), '664120');
  });

  test('code before its label: "Use 482910 to verify"', () => {
    assert.equal(otp({ text: 'Use 482910 to verify your account.' }), '482910');
  });
});

describe('otp: formats', () => {
  test('spaced "482 910" (text) and "482&nbsp;910" (HTML)', () => {
    assert.equal(otp({ text: 'Your code: 482 910\nIt expires in 10 minutes.' }), '482910');
    assert.equal(otp({ html: page('<p>Use this code to sign in</p><div style="font-size:28px">482&nbsp;910</div>') }), '482910');
  });

  test('alphanumeric groups shown with spaces are one code: "7KQ 2XF", "A4C 9Z2 K7Q"', () => {
    assert.equal(otp({ text: 'Your verification code:\n\n7KQ 2XF\n\nIt expires in 10 minutes.' }), '7KQ2XF');
    assert.equal(otp({ html: page('<p>Use this code to sign in</p><p style="font-size:26px">A4C&nbsp;9Z2&nbsp;K7Q</p>') }), 'A4C9Z2K7Q');
    // groups of unequal length, a group without a digit, a postcode in an address: not a code shown in groups
    assert.equal(otp({ subject: 'Your order', text: 'Ship to: 24 Sussex Dr, Ottawa ON K1A 0B1\nOrder 55812 confirmed.' }), null);
    assert.notEqual(otp({ text: 'Your sign-in code: 7KQ 2XFA9' }), '7KQ2XFA9');
  });

  test('in a table, the header cell above names the column', () => {
    const table = (head: string[], row: string[]) => `<table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr><tr>${row.map((v) => `<td>${v}</td>`).join('')}</tr></table>`;
    // the code sits beside a request number of the same length: only the column tells them apart
    assert.equal(otp({ subject: 'Sign-in confirmation', html: page(table(['Request no.', 'Verification code', 'Valid until'], ['310557', '826140', '18:05'])) }), '826140');
    assert.equal(otp({ subject: 'Sign-in confirmation', html: page(table(['Verification code', 'Request no.'], ['826140', '310557'])) }), '826140');
    // two numbers in neighbouring cells are two values, not one code in groups
    assert.equal(otp({ subject: 'Your order', html: page(table(['Order no.', 'Customer no.'], ['310557', '826140'])) }), null);
  });

  test('numbers of one shape in rows named differently are a table, not a list of backup codes', () => {
    assert.equal(otp({ subject: 'Belépési kód', text: 'Ügyfélszám\t318406\nEgyszer használatos belépési kód\t604917\nMérőóra gyári száma\t772150\nA kód 10 percig érvényes.' }), '604917');
    // the same numbers one under another with nothing but numbering between are a list
    assert.equal(otp({ subject: 'Your backup codes', text: 'Your backup codes:\n1. 318406\n2. 604917\n3. 772150\nKeep them safe.' }), null);
  });

  test('hyphenated "482-910"', () => {
    assert.equal(otp({ text: 'Your sign-in code is 482-910.' }), '482910');
  });

  test('fixed prefixes are dropped: G-482910, FB-12345', () => {
    assert.equal(otp({ subject: 'G-482910 is your Google verification code', text: 'Someone is trying to sign in.' }), '482910');
    assert.equal(otp({ subject: 'FB-12345 is your Facebook confirmation code', text: 'Hi Jane, enter the code shown in the subject.' }), '12345');
  });

  test('alphanumeric codes keep their case and lose the hyphen', () => {
    assert.equal(otp({ text: 'Confirm your email address\n\nYour confirmation code is below:\n\nQPL-4ZX\n' }), 'QPL4ZX');
    assert.equal(otp({ html: page('<p>Here is the login code you need:</p><p style="font-size:40px">9HV3T</p>') }), '9HV3T');
    assert.equal(otp({ text: 'Access code: A7K2P9' }), 'A7K2P9');
  });

  test('4 and 8 digit codes', () => {
    assert.equal(otp({ text: 'Your PIN code: 3951' }), '3951');
    assert.equal(otp({ text: 'Your one-time password is 48291034' }), '48291034');
    assert.equal(otp({ text: 'Enter 7364 on the sign-in page. The code expires at 14:30.' }), '7364');
  });

  test('labels in the next sentence do not count against the code', () => {
    assert.equal(otp({ text: 'Your code is 482910. We will never call you or ask for it.' }), '482910');
    assert.equal(otp({ text: 'Your code is 482910! Order status: shipped.' }), '482910');
  });

  test('CRLF line endings', () => {
    assert.equal(otp({ text: 'Hello,\r\n\r\nYour verification code is:\r\n\r\n  482910\r\n\r\nThanks' }), '482910');
  });

  test('the code among other numbers', () => {
    const text = 'Your sign-in code is 482910.\nOrder 100234871, total $49.99. Call 1-800-555-0199.\n© 2025 Example, CA 94105';
    assert.equal(otp({ text }), '482910');
  });
});

describe('otp: languages', () => {
  const cases: [string, Mail, string][] = [
    ['German', { text: 'Ihr Bestätigungscode lautet: 573920\nDer Code ist 10 Minuten gültig.' }, '573920'],
    ['German compound, HTML', { html: page('<p>Dein Anmeldecode:</p><p style="font-size:24px">846213</p><p>Bestellnummer 123456789</p>') }, '846213'],
    ['French', { text: 'Votre code de vérification est 394857. Il expire dans 15 minutes.' }, '394857'],
    ['French one-time', { html: page('<p>Voici votre code à usage unique :</p><p><strong>627184</strong></p>') }, '627184'],
    ['Spanish', { text: 'Tu código de verificación es: 620418' }, '620418'],
    ['Portuguese', { text: 'Seu código de verificação é 739105. Não compartilhe.' }, '739105'],
    ['Russian', { text: 'Ваш код подтверждения: 527391. Никому не сообщайте его.' }, '527391'],
    ['Russian sign-in', { html: page('<p>Введите этот код для входа:</p><p style="font-size:30px">648203</p>') }, '648203'],
    ['Chinese', { text: '您的验证码是：836402，5分钟内有效。' }, '836402'],
    ['Chinese inline', { html: page('<p>您正在登录，验证码为 <b>519274</b>，请勿泄露。</p>') }, '519274'],
    ['Japanese', { text: '認証コード：492617\nこのコードの有効期限は10分です。' }, '492617'],
    ['Japanese standalone', { text: 'ログインするには、次の確認コードを入力してください。\n\n381640\n' }, '381640'],
    ['Arabic', { text: 'رمز التحقق الخاص بك هو 918273' }, '918273'],
    ['Arabic sign-in', { html: page('<div dir="rtl"><p>استخدم الرمز التالي لتسجيل الدخول:</p><p style="font-size:28px">507193</p></div>') }, '507193'],
    ['Korean', { text: '[Example] 인증번호 [583920]를 입력해 주세요.' }, '583920'],
    ['Italian', { text: 'Il tuo codice di verifica è 402918' }, '402918'],
  ];
  for (const [name, mail, want] of cases) test(name, () => assert.equal(otp(mail), want));
});

describe('otp: numbers that are not codes', () => {
  const cases: [string, Mail][] = [
    ['years', { text: 'Welcome to Example! Since 1998. © 2025 Example Inc. Your verification is complete.' }],
    ['prices', { text: 'Verification code not needed: total $1,299.00, was 1499 €, now 999 USD, or 25%.' }],
    ['order numbers', { text: 'Order #123456 has shipped. Order number: 100234871. A verification code will follow.' }],
    ['invoice number in its own cell', { html: page('<p>Invoice number</p><p style="font-size:24px">004821</p><p>Enter the code printed on your card.</p>') }],
    ['reference code', { text: 'Payment reference code: 884213' }],
    ['phone numbers', { text: 'Questions about your code? Call +1 (415) 555-0199 or 415 555 0199, Tel. 030 12345678' }],
    ['French phone number', { text: 'Votre code ? Appelez-nous au 01 23 45 67 89' }],
    ['ZIP code after a state', { text: 'Verify your account soon. Example, 500 Howard St, San Francisco, CA 94105' }],
    ['ZIP code label', { text: 'ZIP code: 94105' }],
    ['dates and times', { text: 'Your code request on 2025-04-17, 17.04.2025, 04/17/2025 at 10:14:09' }],
    ['IP address and version', { text: 'Sign-in code requested from IP 192.168.100.200 on Chrome 133.0.6943.127' }],
    ['CSS colours', { html: page('<p style="color:#123456">Verification colours: #A1B2C3 and #123456</p>') }],
    ['tracking ids', { text: 'Tracking number: 1Z999AA10123456784\nTracking code: 48291034\nYour confirmation code? none.' }],
    ['promo codes', { text: 'Use promo code SPRING25 for 25% off! Or code WELCOME10 at checkout.' }],
    ['promo code, styled like an OTP', { html: page('<p>Profitez de -25 % avec le code promo :</p><p style="font-size:24px;letter-spacing:2px">LUMIERE25</p>') }],
    ['promo code without the word promo', { text: 'Use code SAVE20 at checkout' }],
    ['versions, CVE and build ids', { text: 'Security update: version 4.17.21 fixes CVE-2025-10384. Build 20250417.' }],
    ['user id', { text: 'Your login ID: 48291034' }],
    ['anti-phishing code', { text: 'Anti-Phishing Code: KIWI72' }],
    ['account number', { text: 'Your verification of account number 12345678 is complete.' }],
    ['member number', { text: 'Welcome! Your member number is 5829103. Use it to log in.' }],
    ['card last digits', { text: 'Confirm your payment: Visa ending in 4242.' }],
  ];
  for (const [name, mail] of cases) test(name, () => assert.equal(otp(mail), null));

  test('a newsletter full of numbers', () => {
    const html = page(
      '<h1>Spring at Example Bakery: 27 years of sourdough</h1>' +
        '<p>Since 1998 every loaf is <strong>$6.50</strong> (usually $8.00) through March 14.</p>' +
        '<p>Pre-order by phone at <a href="tel:5035550148">(503) 555-0148</a>.</p>' +
        '<p><a href="https://example.com/track/click?u=3b309d86&amp;id=aa68b8ec34">Shop the spring menu</a></p>',
    );
    assert.deepEqual(run({ subject: 'March news', html }), { otp: null, confirmationLink: null });
  });
});

describe('otp: one message, one answer', () => {
  // The keyword scanner keeps state between scans for speed; none of it may leak into the
  // next message (a "…code" compound used to count or not depending on the message before).
  test('a "…code" compound scores the same whatever was scanned before it', () => {
    const mail: Mail = { subject: 'Ihr Zugang', text: 'Ihr Zugangscode lautet 482910', html: null };
    const alone = otp(mail);
    assert.equal(alone, '482910');
    otp({ subject: '', text: `${'x'.repeat(300)} verify`, html: null });
    assert.equal(otp(mail), alone);
  });
});
