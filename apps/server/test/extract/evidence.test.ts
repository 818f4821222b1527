/**
 * One test per kind of evidence the extractor weighs beyond "a code word near six digits",
 * on messages written for these tests (not copies of corpus mail): what the word next to a
 * code says it is, what the message as a whole is about, the shape of a code, and what a
 * link's URL, text and sentence say it does. Each kind has a case that must be taken and one
 * that must not, so a rule that stops working, or starts taking everything, fails here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { extract } from '../../src/extract/index.js';
import { button, page, run, type Mail } from './helpers.js';

const otp = (mail: Mail): string | null => run(mail).otp;
const link = (mail: Mail): string | null => run(mail).confirmationLink;

describe('evidence: the word that qualifies a code', () => {
  test('door, building, locker and pickup codes are keys, not one-time codes', () => {
    assert.equal(otp({ subject: 'Your stay next week', text: 'Hi Sam,\nthe door code for the flat is 4821. See you soon!' }), null);
    assert.equal(otp({ subject: 'Ihre Buchung', text: 'Türcode: 59304\nCheck-in ab 15 Uhr.' }), null);
    assert.equal(otp({ subject: 'Paczka w paczkomacie', text: 'Twoja paczka czeka.\nKod odbioru\n527 118\nNie podawaj kodu nikomu.' }), null);
    assert.equal(otp({ subject: 'Re: salle de réunion', text: "Code d'accès au bâtiment : 7391\nÀ demain." }), null);
  });

  test('a code handed to a person (driver, kiosk, locker) is a key', () => {
    assert.equal(otp({ subject: 'Your ride is on its way', html: page('<p>Your car arrives in 3 min · fare £12.40</p><p>Share this PIN with your driver</p><p style="font-size:32px">5 2 8 4</p>') }), null);
    assert.equal(otp({ subject: 'Votre réservation', text: "Réservation n° 5512093, 2 nuits, 240 €.\nArrivée tardive : utilisez la borne avec le code d'accès : 730118" }), null);
    assert.equal(otp({ subject: '택배 보관 안내', text: '고객님의 택배가 보관되었습니다.\n보관함 인증번호 : 6620\n운송장번호 : 4410-2231-0098' }), null);
  });

  test('a common word of one language is not a commerce word of another ("voor", "terminar", "entre", "skapa", "turn")', () => {
    assert.equal(otp({ subject: 'Je code', text: 'Gebruik deze code voor je account: 482913\nVoor vragen kun je ons mailen.' }), '482913');
    assert.equal(otp({ subject: 'Tu código', text: 'Para terminar el registro, usa este código: 604217\nTerminarás en un minuto.' }), '604217');
    assert.equal(otp({ subject: 'Seu código', text: 'Entre com este código: 730152\nEntre em contato se precisar.' }), '730152');
    assert.equal(otp({ subject: 'Din kod', text: 'Skapa ditt konto med koden 558120.\nSkapat av Kontoteamet.' }), '558120');
  });

  test('member and customer numbers are identifiers, also as compounds ("Código de socio", "Üye no", "asiakasnumero")', () => {
    assert.equal(otp({ subject: 'Tu contraseña ha cambiado', text: 'La contraseña se cambió ayer.\nBono: quedan 7 entradas. Código de socio 11820.' }), null);
    assert.equal(otp({ subject: 'Hesabınız', text: 'Hesabınız açıldı.\nÜye no: 448201' }), null);
    // a customer number after the code must not win over it
    assert.equal(otp({ subject: 'Vahvista sähköpostiosoitteesi', text: 'Vahvistuskoodisi on 6042\n\nAsiakasnumero: 100482' }), '6042');
    assert.equal(otp({ subject: 'Ihre Anmeldung', text: 'Ihr Anmeldecode: 5802\nKundennummer: 4419023' }), '5802');
  });

  test('"код авторизації" on a card purchase is an authorisation code, as "Auth Code" on a receipt', () => {
    assert.equal(otp({ subject: 'Покупка по картці *5521', text: 'Покупка: АТБ-МАРКЕТ\nСума: 1 284,60 грн\nКод авторизації: 417720\nДата: 11.06.2025' }), null);
    // the same words for a sign-in stay a code
    assert.equal(otp({ subject: 'Код авторизации', text: 'Ваш код авторизации: 583016. Никому его не сообщайте.' }), '583016');
  });

  test('a code in the quoted part of a reply was the earlier message\'s', () => {
    const reply = 'Hi Alex,\nthat code has expired; please ask the app for a new one.\n\nOn 10/06 Alex wrote:\n> It does not work:\n> > Your verification code is 448120. Valid for 10 minutes.\n';
    assert.equal(otp({ subject: 'Re: my code does not work', text: reply }), null);
    // the same sentence unquoted is the message's own code
    assert.equal(otp({ subject: 'Your code', text: 'Your verification code is 448120. Valid for 10 minutes.' }), '448120');
  });

  test('Swedish compounds ending in "kod" are code words ("inloggningskod"), a code in the subject counts', () => {
    assert.equal(otp({ subject: '528163 är din inloggningskod', text: 'Använd koden i ämnesraden för att logga in. Den gäller i 10 minuter.\nBox 4412, 102 69 Stockholm' }), '528163');
  });

  test('a verification subject or sentence outweighs a shop footer', () => {
    const footer = 'Your last order 88231 has shipped. Coupon SUMMER15: 15% off your next purchase.';
    // the subject names a verification code
    assert.equal(otp({ subject: 'Your e-mail verification code', text: `Enter this code in the app:\n\n7KX2MQ\n\n${footer}` }), '7KX2MQ');
    // the sentence says what the code is for
    assert.equal(otp({ subject: 'Confirm it is you', text: `To finish verifying your e-mail, copy this code into the app:\n4829\n${footer}` }), '4829');
    // without either, a code in a shop mail is still not taken
    assert.equal(otp({ subject: 'Your order has shipped', text: `Use this code at the pickup point:\n4829\n${footer}` }), null);
    // a confirm-type word before it is no such sentence ("To confirm your order, quote this code")
    assert.equal(otp({ subject: 'Order update', text: `To confirm your order, quote this code:\n4829\n${footer}` }), null);
  });

  test('a number word right after a code that is followed by its own number labels that one ("6038 (Ref: 2210)")', () => {
    assert.equal(otp({ subject: 'รหัส OTP สำหรับเข้าสู่ระบบ', text: 'รหัส OTP ของท่านคือ 6038 (Ref: 2210) ใช้ได้ภายใน 5 นาที' }), '6038');
    assert.equal(otp({ subject: 'Your sign-in code', text: 'Your sign-in code is 6038 (Ref: 2210). It expires in 5 minutes.' }), '6038');
    // a number word right after the code with no number of its own still labels the code
    assert.equal(otp({ subject: 'Your order', text: 'Thanks! 604217 is your order number.' }), null);
  });

  test('referral codes and a virtual room\'s access code are not one-time codes', () => {
    assert.equal(otp({ subject: 'Alika marafiki', text: 'Habari!\nMsimbo wako wa rufaa:\nK7X2Q9\nShiriki kiungo na marafiki.' }), null);
    assert.equal(otp({ subject: 'Inscripció confirmada', text: "La teva inscripció al congrés està confirmada.\nLocalitzador: CD7Q2K\nCodi d'accés a la sala virtual: 602117\nImport: 95,00 €" }), null);
  });

  test('"confirm your e-mail address" is verification, not a confirm-type word of commerce', () => {
    const body = 'Ihre Kundennummer: 118204\nBestätigen Sie Ihre E-Mail-Adresse per Klick oder geben Sie diesen Code in der App ein:\n730126\nBergbahn Ticket GmbH';
    assert.equal(otp({ subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse', text: body }), '730126');
    // "confirm your booking" stays a confirm-type word: a code in such a shop mail is not taken
    assert.equal(otp({ subject: 'Bitte bestätigen Sie Ihre Buchung', text: body.replace('Ihre E-Mail-Adresse', 'Ihre Buchung') }), null);
  });

  test('an access code for an account is still a code', () => {
    assert.equal(otp({ subject: 'Sign in', text: 'Your access code is 604219. It expires in 10 minutes.' }), '604219');
  });

  test('confirmation, booking and ticket numbers are identifiers', () => {
    assert.equal(otp({ subject: 'Booking confirmed', text: 'Your confirmation number is 552190.\nCheck-in: 14 May' }), null);
    assert.equal(otp({ subject: 'Your trip', text: 'Booking PIN: 4471\nShow it at the desk.' }), null);
    assert.equal(otp({ subject: 'Ticket', text: 'Ticket number 882315, seat 14C.' }), null);
  });

  test('a code word that carries its own qualifier keeps it ("Bestätigungscode ein")', () => {
    const text = 'Bitte bestätigen Sie Ihre Adresse.\nAlternativ geben Sie in der App den folgenden Bestätigungscode ein:\n\n604117\n\nDer Code ist 24 Stunden gültig.';
    assert.equal(otp({ subject: 'Konto aktivieren', text }), '604117');
  });
});

describe('evidence: what the message is about', () => {
  test('receipts, gift cards, webinars and promotions hold codes that are not one-time codes', () => {
    assert.equal(otp({ subject: 'Your receipt from Corner Café', text: 'Total 12.40 EUR\nVisa ending 4417\nAuth Code: 093741\nThank you for your purchase!' }), null);
    assert.equal(otp({ subject: 'A gift for you', text: 'You received a gift card worth 50 EUR.\nCard number: 6006 4911\nPIN: 8842\nRedeem it at checkout.' }), null);
    assert.equal(otp({ subject: 'You are registered: Growth webinar', text: 'Join the webinar on Thursday.\nMeeting ID: 831 2205 9917\nPasscode: 472915' }), null);
    assert.equal(otp({ subject: 'Spring sale', text: 'Save 20% in our shop with code SPRING20 at checkout.' }), null);
  });

  test('a promo code under a "your code" subject is still a promotion', () => {
    const html = page('<p>20% off everything, ends tonight.</p><p>YOUR CODE</p><p style="font-size:28px"><b>SPRING30NOW</b></p><p>Min. spend $50</p>' + button('https://shop.example.com/?utm_source=mail', 'Shop now'));
    assert.equal(otp({ subject: 'Your code SPRING30NOW expires at midnight', html }), null);
  });

  test('a payment approval code framed as a security step is a one-time code', () => {
    const text = 'You are paying 49.00 EUR to Example Store with your card ending 1234.\n' +
      'To approve this payment, enter this code on the payment page:\n\n58203917\n\nThe code expires in 5 minutes. Never share it with anyone.';
    assert.equal(otp({ subject: 'Approve your payment', text }), '58203917');
  });
});

describe('evidence: the shape of a code', () => {
  test('a list of backup codes is not one code', () => {
    const text = 'Your new backup codes:\n\n4821-0934\n7712-3390\n1298-5521\n6604-8173\n\nEach code can be used once.';
    assert.equal(otp({ subject: 'Your two-step verification backup codes', text }), null);
  });

  test('a random-looking mixed-case code set apart under a code word', () => {
    assert.equal(otp({ subject: 'Device verification', text: 'Enter this device code to continue:\n\nRk8vQ2\n\nIt expires in 15 minutes.' }), 'Rk8vQ2');
  });

  test('a mixed-case code shown letter-spaced', () => {
    const html = page('<p>Your verification code:</p><p style="font-size:28px;letter-spacing:6px">R k 8 v Q 2</p>');
    assert.equal(otp({ subject: 'Verify your sign-in', html }), 'Rk8vQ2');
  });

  test('a lower-case code right after its label', () => {
    assert.equal(otp({ subject: 'Password reset', text: 'Your password reset code is k3m9x2pq. It is valid for 30 minutes.' }), 'k3m9x2pq');
  });

  test('a product name with digits under a code word is not a code', () => {
    assert.equal(otp({ subject: 'What is new', text: 'Our code editor now supports\n\niPadOS18\n\nRead more on the blog.' }), null);
  });
});

describe('evidence: languages, scripts and digits', () => {
  const cases: [string, string, string][] = [
    ['Dutch', 'Je verificatiecode', 'Je verificatiecode is 482910. Deel deze code met niemand.'],
    ['Italian', 'Codice di verifica', 'Il tuo codice di verifica è 482910.'],
    ['Polish', 'Kod weryfikacyjny', 'Twój kod weryfikacyjny to 482910.'],
    ['Turkish', 'Doğrulama kodu', 'Doğrulama kodunuz: 482910'],
    ['Thai', 'รหัสยืนยัน', 'รหัสยืนยันของคุณคือ 482910'],
    ['Hindi in Devanagari digits', 'सत्यापन कोड', 'आपका सत्यापन कोड ४८२९१० है।'],
    ['Arabic with harakat', 'رمز التحقق', 'رَمْزُ التَّحَقُّقِ الخاص بك هو 482910'],
    ['Croatian', 'Potvrdite svoju adresu', 'Vaš verifikacijski kod je 482910. Kod vrijedi 10 minuta.'],
    ['Lithuanian', 'Patvirtinkite el. paštą', 'Jūsų patvirtinimo kodas: 482910'],
    ['Latvian', 'Apstipriniet e-pastu', 'Jūsu verifikācijas kods: 482910'],
    ['Estonian compound', 'Kinnita e-post', 'Sinu kinnituskood on 482910'],
    ['Finnish compound with a possessive', 'Vahvista sähköposti', 'Vahvistuskoodisi on 482910'],
  ];
  for (const [language, subject, text] of cases) {
    test(language, () => assert.equal(otp({ subject, text }), '482910'));
  }
});

describe('evidence: words around the code', () => {
  test('a verb before the code word does not hide the qualifier after it ("Masukkan kode verifikasi")', () => {
    const text = 'Verifikasi email kamu dan dapatkan voucher Rp25.000.\nMasukkan kode verifikasi berikut di aplikasi:\n7306\nVoucher HEMAT25K berlaku 7 hari.';
    assert.equal(otp({ subject: 'Verifikasi email kamu', text }), '7306');
  });

  test('a line starting with a short word after the code is not a unit ("…: 66041929\\nMã có")', () => {
    const text = 'Số tiền 2.000.000 VND\nMã OTP của bạn là: 73920518\nMã có hiệu lực trong 120 giây. Không cung cấp mã cho bất kỳ ai.';
    assert.equal(otp({ subject: 'Mã OTP xác thực giao dịch', text }), '73920518');
  });
});

describe('evidence: forwarded originals', () => {
  test('the code of a message forwarded as an attachment', () => {
    const got = extract({
      subject: 'Fwd: Sign-in verification', text: 'Hi, here is the mail from the provider, see attachment.\nBest, Jo', html: null,
      forwarded: [{ subject: 'Sign-in verification', text: 'Your sign-in verification code: 381920\nIt expires in 10 minutes.', html: null }],
    });
    assert.equal(got.otp, '381920');
  });

  test('what the forwarding note itself shows comes first', () => {
    const got = extract({
      subject: 'Fwd: codes', text: 'Use this verification code: 550173', html: null,
      forwarded: [{ subject: 'Your code', text: 'Your verification code is 381920', html: null }],
    });
    assert.equal(got.otp, '550173');
  });
});

describe('evidence: what a link does', () => {
  test("the product's rule: a /verify link with a token, alone in a one-line message", () => {
    assert.equal(link({ text: 'https://example.org/verify?t=abc' }), 'https://example.org/verify?t=abc');
  });

  test("the product's rule: a /verify link beside a code", () => {
    const got = run({ subject: 'Your code', text: 'Your code is 482910.\nOr open https://app.example.com/verify?token=xyz' });
    assert.equal(got.otp, '482910');
    assert.equal(got.confirmationLink, 'https://app.example.com/verify?token=xyz');
  });

  test('an activation link on a forum host (the host name does not speak for it)', () => {
    const href = 'https://forum.example.org/ucp.php?mode=activate&u=1044&k=7QX2ZK9A';
    assert.equal(link({ subject: 'Welcome to the forum', text: `Your account is inactive until you activate it. Click the link below:\n\n${href}\n\nThanks for registering.` }), href);
  });

  test('a confirm link whose secret is short but random in case', () => {
    const href = 'https://learn.example.edu/login/confirm.php?data=Qm7TxP2wLk9Rz/jdoe';
    assert.equal(link({ subject: 'Account confirmation', text: `To confirm your new account, please go to this web address:\n\n${href}\n` }), href);
  });

  test('a wrapper is returned as it is, judged by the destination it carries', () => {
    const good = 'https://click.esp-example.net/ls/click?url=https%3A%2F%2Fapp.example.com%2Fconfirm%3Ftoken%3Dq8Z2mX7pL4vN9';
    assert.equal(link({ subject: 'Confirm your email', html: page(button(good, 'Confirm email')) }), good);
    const help = 'https://click.esp-example.net/ls/click?url=https%3A%2F%2Fapp.example.com%2Fhelp%2Fverify-email';
    assert.equal(link({ subject: 'Confirm your email', html: page(button(help, 'Verify email')) }), null);
  });

  test('a generic redirector is unwrapped too ("/e?l=https%3A…")', () => {
    const href = 'https://go.chat-example.io/e?ob=Xk29&l=https%3A%2F%2Fwww.example.com%2Fplaces%2Flyon%3Futm_source%3Dchat';
    const html = page(`<p>Your access badge is ready. The map of the access points is <a href="${href}">here</a>.</p>`);
    assert.equal(link({ subject: 'Re: your visit', html }), null);
  });

  test("a link whose text is echoed by its URL's slug is a page about it", () => {
    const href = 'https://example.com/guides/how-to-verify-your-email-address';
    assert.equal(link({ html: page(`<p>New here? <a href="${href}">How to verify your email address</a></p>`) }), null);
  });

  test('a subject that names a sign-in link makes the button with a secret the link, whatever its text', () => {
    const magic = 'https://login.example.fr/s/u_ROkIEqePYXVqp4JSWD30BcTpry?next=%2Fatelier';
    const body = (href: string) => page(`<p>Vous avez demandé à vous connecter sans mot de passe. Le bouton ci-dessous vous connecte directement ; il est valable 15 minutes.</p>${button(href, 'Continuer')}<p><a href="https://example.fr/aide">Aide</a></p>`);
    assert.equal(link({ subject: 'Votre lien de connexion', html: body(magic) }), magic);
    // the same button under a subject that names no link, or pointing at a page without a secret
    assert.equal(link({ subject: 'Nouveautés de la semaine', html: body(magic) }), null);
    assert.equal(link({ subject: 'Votre lien de connexion', html: body('https://example.fr/atelier') }), null);
  });

  test('Japanese "本登録" (completing a provisional registration) is an activation', () => {
    const url = 'https://www.example.jp/regist/main.php?mode=regist&key=727e1d36fed06dd8c3f9';
    assert.equal(link({ subject: '本登録のご案内', text: `仮登録いただきありがとうございます。\n下記URLにアクセスして本登録を完了してください。\n${url}\n\n利用規約：https://www.example.jp/kiyaku.html` }), url);
  });

  test('the line before a button with a generic text may name its action ("…, press the button:")', () => {
    const url = 'https://profil.example.bg/e/XsBY1Eeeu6IsOoGmQ1klNAyKPkLgQbBv';
    const body = (lead: string) => page(`<p>Здравейте,</p><p>${lead}</p>${button(url, 'Продължи')}<p><a href="https://example.bg/help">Помощ</a></p>`);
    assert.equal(link({ subject: 'Добре дошли', html: body('За да потвърдите имейл адреса си и да завършите регистрацията, натиснете бутона:') }), url);
    // a lead-in that names no action leaves the button unlabelled
    assert.equal(link({ subject: 'Добре дошли', html: body('Разгледайте новите книги в нашия магазин тази седмица, натиснете бутона:') }), null);
  });

  test('a "Confirm" button whose URL unsubscribes or resets confirms that, not the address', () => {
    assert.equal(link({ subject: 'Confirmez votre désinscription', html: page(`<p>Cliquez pour confirmer votre désinscription :</p>${button('https://example.fr/newsletter/desinscription/confirmer?t=18e0932e825bd73d1659fd25', 'Confirmer')}`) }), null);
    assert.equal(link({ subject: 'Potrdite zahtevo za novo geslo', html: page(`<p>Prejeli smo zahtevo za ponastavitev gesla.</p>${button('https://moja.example.si/geslo/ponastavi?t=GN2Hsa3XJ82TGw8EbLW2gWnW', 'Potrdi in nastavi novo geslo')}`) }), null);
    // a confirm button to a confirmation URL stays the link
    const ok = 'https://example.fr/compte/confirmer?t=18e0932e825bd73d1659fd25';
    assert.equal(link({ subject: 'Confirmez votre adresse e-mail', html: page(`<p>Cliquez pour confirmer votre adresse :</p>${button(ok, 'Confirmer')}`) }), ok);
  });

  test('a link whose text is a domain name is the logo link', () => {
    assert.equal(link({ subject: 'Verify your email', html: page('<p><a href="https://www.example.com/?utm_source=mail&x=Zx81kLq0Pw93nBv7">example.com</a></p>') }), null);
  });

  test('a link whose text is an identifier (a CI job) is not an action', () => {
    const html = page('<p>Pipeline failed. Job <a href="https://ci.example.com/acme/api/-/jobs/9451270836">verify:schema-migrations</a> failed.</p>');
    assert.equal(link({ subject: 'Failed pipeline for main', html }), null);
  });

  test('"enable two-factor authentication" is a setting, not a confirmation', () => {
    const html = page('<p>Your verification code is <b>518730</b>.</p><p>Protect your account: <a href="https://example.com/-/profile/two_factor_auth">enable two-factor authentication</a></p>');
    assert.equal(link({ subject: 'Verify your identity', html }), null);
  });

  test('campaign parameters do not name the action ("utm_campaign=welcome_verified")', () => {
    const html = page(button('https://www.example.com/files/recent?fuid=50393846&utm_source=email&utm_campaign=welcome_verified', 'Open the app'));
    assert.equal(link({ subject: 'Welcome aboard', html }), null);
  });

  test('"Yes, it was me" wins over "No, secure my account"', () => {
    const yes = 'https://mandrillapp.com/track/click/3104/acct.example.com?p=eyJzIjoiYWJjMTIzIiwidiI6MX0Yes';
    const no = 'https://mandrillapp.com/track/click/3104/acct.example.com?p=eyJzIjoiZGVmNDU2IiwidiI6MX0No';
    const html = page('<p>New sign-in from Lisbon. Was this you?</p>' + button(yes, 'Yes, it was me') + button(no, 'No, secure my account'));
    assert.equal(link({ subject: 'Was this you? New sign-in', html }), yes);
  });

  test('"already verified" in Swedish', () => {
    const html = page('<p>Välkommen!</p>' + button('https://app.example.se/start?session=Zx81kLq0Pw93nBv7Tt5', 'Kom igång'));
    assert.equal(link({ subject: 'Välkommen – din e-post är verifierad', html }), null);
  });

  test('a mail that says the address is verified has no confirmation link', () => {
    const html = page('<p>Thanks, your address is confirmed.</p>' + button('https://app.example.com/start?session=Zx81kLq0Pw93nBv7Tt5', 'Get started'));
    assert.equal(link({ subject: "You're verified", html }), null);
  });
});

describe('evidence: double opt-in and newsletters', () => {
  test('"Yes, subscribe me" answers a double opt-in', () => {
    const href = 'https://news.example.com/optin?id=84kd93mf02';
    assert.equal(link({ subject: 'One more step', html: page('<p>Please confirm that you want our newsletter.</p>' + button(href, 'Yes, subscribe me')) }), href);
  });

  test('"confirm my subscription" in a shop\'s mail is an opt-in, not an order', () => {
    const href = 'https://t.news.shop-example.fr/r/?id=h230a24d,bba159,b9e55c';
    const html = page('<p>Merci pour votre intérêt pour nos offres et nos soldes.</p>' + button(href, 'Confirmer mon inscription') + '<p>Livraison gratuite dès 30 € d’achat.</p>');
    assert.equal(link({ subject: 'Confirmez votre inscription à la newsletter', html }), href);
  });

  test("a newsletter's Subscribe button is an invitation, not a confirmation", () => {
    const href = 'https://news.example.com/redirect/2/eyJlIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9zdWJzY3JpYmU_Y291cG9uPVNBVkUyMCJ9.Xk29aQ';
    const html = page('<h1>Why rates paused again</h1><p>This week in markets...</p>' + button(href, 'Subscribe') + '<p>Use code SAVE20 for 20% off.</p>');
    assert.equal(link({ subject: 'Why rates paused again', html }), null);
  });
});
