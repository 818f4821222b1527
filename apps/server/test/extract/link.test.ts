/**
 * Confirmation-link extraction on the project's own inline fixtures: buttons,
 * entity-encoded hrefs, click tracking, magic links, languages, and links
 * that must never be taken.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { button, page, run, type Mail } from './helpers.js';

function link(mail: Mail): string | null {
  return run(mail).confirmationLink;
}

const TOKEN = 'https://example.com/x/9f8e7d6c5b4a39281706';

describe('link: buttons and hrefs', () => {
  test('plain verify button among footer links', () => {
    const href = 'https://example.com/verify?token=Zx81kLq0Pw93nBv7Tt5';
    const html = page('<p>Thanks for signing up!</p>' + button(href, 'Verify email'));
    assert.equal(link({ subject: 'Verify your email', html }), href);
  });

  test('&amp; in the href is decoded', () => {
    const html = page(button('https://app.example.com/confirm?uid=42&amp;token=Zx81kLq0Pw93nBv7', 'Confirm your account'));
    assert.equal(link({ html }), 'https://app.example.com/confirm?uid=42&token=Zx81kLq0Pw93nBv7');
  });

  test('&#038; in the href is decoded', () => {
    const html = page(button('https://blog.example.org/wp-login.php?action=confirm&#038;key=G7h2Kq9Lm3Np8Rs1', 'Confirm subscription'));
    assert.equal(link({ html }), 'https://blog.example.org/wp-login.php?action=confirm&key=G7h2Kq9Lm3Np8Rs1');
  });

  test('the same URL as button and as fallback text link', () => {
    const href = 'https://example.com/users/42/confirm_email/1d05d1247dbfba4702bfdc57';
    const html = page(button(href, 'Confirm email') + `<p>Button not working? Paste this link: <a href="${href}">${href}</a></p>`);
    assert.equal(link({ html }), href);
  });

  test('a link whose text is its own URL, labelled by the sentence before it', () => {
    const href = 'https://x-1.firebaseapp.com/__/auth/action?mode=verifyEmail&oobCode=AbC12dEf34GhI56&apiKey=AIza9';
    const html = `<p>Follow this link to verify your email address.</p><p><a href='${href.replace(/&/g, '&amp;')}'>${href.replace(/&/g, '&amp;')}</a></p>`;
    assert.equal(link({ html }), href);
  });

  test('"click here" with the action after it', () => {
    const html = page('<p>Please <a href="https://shop.example.com/account/activate/882a7b6c5d4e3f2a1b0c">click here</a> to activate your account.</p>');
    assert.equal(link({ html }), 'https://shop.example.com/account/activate/882a7b6c5d4e3f2a1b0c');
  });

  test('text-only message: label before the URL, or the line above it', () => {
    const text = 'Confirm your account: https://example.com/c/8f3k2j4h5g6f7d8s9a0\n\nUnsubscribe: https://example.com/unsubscribe?id=99a8s7d6f5g4h3j2';
    assert.equal(link({ text }), 'https://example.com/c/8f3k2j4h5g6f7d8s9a0');
    const text2 = 'Click the link below to activate your account:\n\nhttps://example.com/welcome/8f3k2j4h5g6f7d8s9a0\n';
    assert.equal(link({ text: text2 }), 'https://example.com/welcome/8f3k2j4h5g6f7d8s9a0');
  });
});

describe('link: click tracking is returned as is', () => {
  const cases: [string, string, string][] = [
    ['SendGrid', 'https://u1234567.ct.sendgrid.net/ls/click?upn=u001.AbC-2BdEf-3D-3DgH12kLmN', 'Confirm email address'],
    ['Mailgun', 'https://email.mg.example.com/c/eJxVjMsOgjAQRX9lMmtDQcTErSs2a7Vm3XbUKnQGyEJX4bM2Qd34', 'Verify my account'],
    ['Mandrill', 'https://mandrillapp.com/track/click/30000001/example.com?p=eyJzIjoiX2Z1bGwifQ', 'Activate account'],
  ];
  for (const [name, href, text] of cases) {
    test(name, () => {
      const html = page('<p>Please confirm your email address.</p>' + button(href, text));
      assert.equal(link({ html }), href);
    });
  }

  test('tracked links that are not the button stay out', () => {
    const html = page(
      button('https://u1.ct.sendgrid.net/ls/click?upn=AAA111', 'Verify email') +
        '<p><a href="https://u1.ct.sendgrid.net/ls/click?upn=BBB222">Need help?</a> · <a href="https://u1.ct.sendgrid.net/ls/click?upn=CCC333">Privacy policy</a></p>',
    );
    assert.equal(link({ html }), 'https://u1.ct.sendgrid.net/ls/click?upn=AAA111');
  });
});

describe('link: magic sign-in links without a telling path', () => {
  test('chosen by the button text', () => {
    const href = 'https://app.example.io/m/5f2b9c7e1a4d8b3c6e0f2a9d7c1b4e8f';
    const html = page('<p>Click the button below to sign in. This link expires in 15 minutes.</p>' + button(href, 'Sign in to Example'));
    assert.equal(link({ subject: 'Sign in to Example', html }), href);
  });

  test('chosen by the sentence that introduces it', () => {
    const href = 'https://app.example.io/x/7c1b4e8f5f2b9c7e1a4d8b3c6e0f2a9d';
    assert.equal(link({ html: page(`<p>Here is your magic link:</p><p><a href="${href}">Open Example</a></p>`) }), href);
  });

  test('"Sign in" to a bare login page is not a magic link', () => {
    const html = page('<p>Your code is 482910.</p><p><a href="https://example.com/login">Sign in</a></p>');
    assert.equal(link({ html }), null);
  });
});

describe('link: languages', () => {
  const cases: [string, string][] = [
    ['German', 'E-Mail-Adresse bestätigen'],
    ['French', 'Vérifier mon adresse'],
    ['Spanish', 'Confirmar cuenta'],
    ['Spanish sign-in', 'Iniciar sesión'],
    ['Portuguese', 'Confirmar e-mail'],
    ['Russian', 'Подтвердить'],
    ['Chinese', '验证邮箱'],
    ['Japanese', 'メールアドレスを確認'],
    ['Arabic', 'تأكيد البريد الإلكتروني'],
  ];
  for (const [name, text] of cases) test(name, () => assert.equal(link({ html: page(button(TOKEN, text)) }), TOKEN));
});

describe('link: never a confirmation link', () => {
  const cases: [string, string][] = [
    ['only footer links (privacy, help, unsubscribe, social, pixel)', page('<p>Our spring news.</p>')],
    ['view in browser', page(`<p><a href="https://example.com/view/9f8e7d6c5b4a39281706">View this email in your browser</a></p><p>News</p>`)],
    ['reset password button', page('<p>Your password was changed.</p>' + button('https://example.com/reset?token=9f8e7d6c5b4a39281706', 'Reset password'))],
    ['password reset request', page('<p>We received a request to reset your password.</p>' + button('https://example.com/pw/9f8e7d6c5b4a39281706', 'Choose a new password'))],
    ['review activity', page('<p>New sign-in to your account.</p>' + button('https://example.com/security/9f8e7d6c5b4a39281706', 'Review recent activity'))],
    ['check activity (French)', page(button('https://example.com/alert/9f8e7d6c5b4a39281706', "Vérifier l'activité"))],
    ['track package', page(button('https://example.com/track?id=9f8e7d6c5b4a39281706', 'Track package'))],
    ['homepage', page('<p>Welcome!</p>' + button('https://example.com/', 'Visit our store'))],
    ['social icon', page('<p><a href="https://www.facebook.com/example"><img src="f.png" alt="Facebook"></a></p>')],
    ['shop button', page(button('https://example.com/spring-sale?utm_source=email', 'Shop now'))],
    ['unsubscribe confirmation', page(button('https://example.com/unsubscribe/confirm?u=9f8e7d6c5b4a39281706', 'Confirm unsubscribe'))],
    ['disable account', page(button('https://example.com/account/disable?token=9f8e7d6c5b4a39281706', 'Disable account'))],
    ['hidden link', page(`<div style="display:none"><a href="${TOKEN}">Verify email</a></div><p>Hello</p>`)],
    ['mailto and tel', page('<p><a href="mailto:verify@example.com">Verify</a> <a href="tel:+14155550199">Confirm by phone</a></p>')],
  ];
  for (const [name, html] of cases) test(name, () => assert.equal(link({ html }), null));

  test('plain-text security notice: settings and docs links', () => {
    const text =
      'A sign-in attempt needed extra verification. If this was not you, visit https://example.com/settings/security to change your password.\n' +
      'To learn more about two-factor authentication, visit https://docs.example.com/articles/configuring-two-factor-authentication for help.';
    assert.equal(link({ subject: 'Please verify your device', text }), null);
  });
});
