/**
 * Multilingual context words. Each category is a bit; a word may carry several.
 *
 * Entry syntax: `word` matches the whole word, `stem*` any word starting with
 * the stem, `two words` a phrase (the gap may be a space, hyphen or
 * apostrophe). Matching is case-insensitive and the longest entry wins, so a
 * specific phrase ("promo code", "code postal") overrides its parts and a
 * longer stem ("activit*") overrides a shorter one ("activ*"). Entries in
 * Chinese/Japanese script match anywhere inside a run of those characters.
 *
 * Languages: English, German, French, Spanish, Portuguese, Russian, Chinese,
 * Japanese, Arabic; partial Italian, Dutch, Polish, Turkish and Korean.
 */

/** The word names a code: code, código, код, 验证码, コード, رمز... */
export const CODE = 1;
/** verify / confirm / validate / authenticate. */
export const VERIFY = 2;
/** activate an account. */
export const ACTIVATE = 4;
/** log in / sign in. */
export const LOGIN = 8;
/** one-time / single-use / two-factor. */
export const ONETIME = 16;
/** security / guard. */
export const SECURITY = 32;
/** enter / type / copy / paste / use (what one does with a code). */
export const ENTER = 64;
/** magic (sign-in) link. */
export const MAGIC = 128;
/** expires / valid for. */
export const EXPIRE = 256;
/** click / tap / button / link / below. */
export const CLICK = 512;
/** subscribe (double opt-in confirmation). */
export const SUBSCRIBE = 1024;
/** Labels of numbers that are not codes: order, invoice, phone, ZIP, promo... */
export const NEGNUM = 2048;
/** Links that are never confirmations: unsubscribe, privacy, help, reset password, activity... */
export const LINKNEG = 4096;
/** Weakly negative link words: open, visit, shop, view, details... */
export const LINKWEAK = 8192;
/** Neutral: an exact word that must not fall into a shorter stem ("pinned" vs "pin"); never reported. */
export const NEUTRAL = 1 << 20;

export type WordList = readonly [number, readonly string[]];

export const WORDS: readonly WordList[] = [
  // ---------------------------------------------------------------- English
  [CODE, ['code', 'codes', 'passcode*', 'otp', 'otps', 'pin', 'tan', 'security code', 'access code']],
  [VERIFY, ['verif*', 'confirm*', 'validat*', 'authenticat*', 'authoriz*', 'authoris*', 'approv*', 'auth']],
  [ACTIVATE, ['activa*', 'activer*', 'activez*']],
  [LOGIN, ['login', 'logins', 'logon', 'signin', 'sign in', 'sign into', 'signing in', 'log in', 'log into', 'logging in', 'sign on', 'access']],
  [ONETIME, ['one time', 'onetime', 'single use', '2fa', 'mfa', 'two factor', 'two step', '2 step']],
  [CODE | ONETIME, ['one time password', 'one time passcode', 'one time pin', 'one time code', 'onetime password', 'single use code']],
  [SECURITY, ['secur*', 'guard']],
  [ENTER, ['enter', 'entering', 'type', 'copy', 'paste', 'use', 'input']],
  [MAGIC, ['magic*']],
  [EXPIRE, ['expir*', 'valid']],
  [CLICK, ['click*', 'tap', 'button', 'link', 'links', 'below', 'follow']],
  [SUBSCRIBE, ['subscri*', 'opt in', 'optin', 'double opt']],
  [NEUTRAL, ['active', 'actively', 'pinned', 'useful', 'user agent', 'in case']],
  [NEGNUM, [
    'order*', 'invoice*', 'receipt*', 'transaction*', 'tracking', 'track', 'shipment*', 'shipping', 'reference',
    'ref', 'id', 'ids', 'ip', 'user', 'username', 'customer*', 'account number', 'account no', 'phone*', 'tel',
    'telephone', 'fax', 'mobile', 'call', 'zip', 'zip code', 'zipcode', 'postal*', 'postcode*', 'post code',
    'box', 'po box', 'suite', 'ste', 'apt', 'street', 'st', 'avenue', 'ave', 'floor', 'road', 'rd', 'blvd',
    'sku', 'item*', 'qty', 'quantity', 'total', 'subtotal', 'amount', 'price', 'tax', 'vat', 'card', 'visa',
    'mastercard', 'amex', 'ending', 'iban', 'bic', 'swift', 'routing', 'serial', 'model', 'version', 'build',
    'ticket*', 'booking', 'reservation*', 'member*', 'policy', 'claim', 'promo*', 'coupon*',
    'discount*', 'voucher*', 'gift*', 'referral*', 'invite*', 'invitation*', 'phishing', 'anti phishing',
    'anti phishing code', 'phishing code', 'error code', 'status code', 'qr code', 'bar code', 'barcode',
    'source code', 'country code', 'area code', 'product code', 'item code', 'tracking code', 'promo code',
    'promotion code', 'discount code', 'coupon code', 'gift code', 'referral code', 'invite code',
    'invitation code', 'postal code', 'dress code', 'reference code', 'reference number', 'booking code',
    'order code', 'voucher code', 'customer code', 'client code', 'member code', 'account code', 'sort code',
    'swift code', 'bank code', 'tax code', 'vat code', 'colour code', 'color code', 'tracking number',
    'serial number', 'model number', 'order number', 'invoice number', 'phone number', 'issue', 'pull request', 'cve', 'ghsa', 'pr', 'year', 'years',
  ]],
  [LINKNEG, [
    'unsubscri*', 'opt out', 'optout', 'preferenc*', 'privacy', 'terms', 'legal', 'polic*', 'help*', 'support*',
    'faq*', 'contact*', 'blog', 'feedback', 'community', 'browser', 'webversion', 'web version', 'view online',
    'reset*', 'forgot*', 'recover*', 'activit*', 'track*', 'disable*', 'deactivat*', 'not you', 'wasn t you',
    'wasnt you', 'not me', 'remove*', 'delet*', 'report*', 'decline*', 'cancel*', 'facebook', 'twitter',
    'instagram', 'linkedin', 'youtube', 'tiktok', 'pinterest', 'whatsapp', 'transaction*', 'order*',
    'invoice*', 'receipt*', 'download*', 'install*', 'app store', 'google play', 'notif*', 'setting*',
    'alert*', 'sessions', 'secure your', 'lock your', 'change password', 'password change',
  ]],
  [LINKWEAK, [
    'open', 'visit', 'shop*', 'store', 'learn', 'read', 'more', 'home*', 'website', 'details', 'detail', 'view',
    'see', 'explore', 'discover', 'browse', 'share', 'like', 'tweet', 'review*', 'manage*', 'app', 'profile',
  ]],
  // ---------------------------------------------------------------- German
  [CODE, ['pin', 'tan']],
  [VERIFY, ['bestätig*', 'bestaetig*', 'verifizier*', 'überprüf*', 'authentifizier*', 'freigeb*']],
  [ACTIVATE, ['aktivier*']],
  [LOGIN, ['anmeld*', 'anzumeld*', 'einlogg*', 'einzulogg*']],
  [ONETIME, ['einmal*']],
  [CODE | ONETIME, ['einmalpasswort*', 'einmalkennwort*', 'einmal passwort']],
  [SECURITY, ['sicherheit*']],
  [ENTER, ['eingeb*', 'einzugeb*', 'gib', 'kopier*', 'verwende*', 'füge']],
  [EXPIRE, ['gültig*', 'läuft', 'ablauf*', 'verfällt']],
  [CLICK, ['klick*', 'schaltfläche*', 'unten']],
  [SUBSCRIBE, ['abonn*']],
  [NEGNUM, [
    'bestell*', 'rechnung*', 'sendung*', 'auftrag*', 'kunden*', 'telefon*', 'handy', 'plz', 'postleitzahl',
    'artikel*', 'menge', 'summe', 'zwischensumme', 'gesamtbetrag', 'betrag', 'preis', 'mwst', 'ust', 'steuer*',
    'gutschein*', 'rabatt*', 'aktions*', 'vorwahl', 'straße', 'strasse', 'postfach', 'referenz*', 'vorgang*',
    'transaktion*', 'kontonummer', 'versand*', 'paket*', 'lieferadresse', 'handelsregister',
  ]],
  [LINKNEG, [
    'abmeld*', 'abbestell*', 'datenschutz*', 'impressum', 'hilfe', 'kontakt*', 'agb', 'nutzungsbeding*',
    'zurücksetz*', 'zurückzusetz*', 'passwort vergessen', 'aktivität*', 'verfolg*', 'deaktivier*', 'entfern*',
    'lösch*', 'webansicht', 'einstellungen',
  ]],
  [LINKWEAK, ['öffn*', 'besuch*', 'ansehen', 'anzeigen', 'mehr', 'verwalt*']],
  // ---------------------------------------------------------------- French
  [VERIFY, ['vérif*', 'authentifi*', 'approuv*', 'valider', 'validez']],
  [LOGIN, ['connexion', 'connecter', 'connectez*', 'identifiez']],
  [ONETIME, ['usage unique']],
  [SECURITY, ['sécurité']],
  [ENTER, ['saisi*', 'entrez', 'copiez', 'copier', 'utilisez', 'indiquez']],
  [EXPIRE, ['valable']],
  [CLICK, ['clique*', 'bouton', 'lien', 'ci dessous']],
  [SUBSCRIBE, ['inscri*']],
  [NEGNUM, [
    'commande*', 'facture*', 'reçu', 'colis', 'suivi', 'référence*', 'téléphone*', 'tél', 'réduction*', 'remise',
    'montant', 'prix', 'tva', 'code postal', 'code promo', 'code de réduction', 'code de parrainage',
    'code d invitation', 'code cadeau', 'rue', 'carte',
  ]],
  [LINKNEG, [
    'désinscri*', 'désabonn*', 'confidentialité', 'aide', 'assistance', 'réinitialis*', 'activité*', 'suivre',
    'supprim*', 'désactiv*', 'signaler', 'navigateur', 'en ligne', 'préférence*', 'paramètres',
  ]],
  [LINKWEAK, ['visiter', 'visitez', 'découvr*', 'voir', 'boutique', 'en savoir plus']],
  // ---------------------------------------------------------------- Spanish
  [CODE, ['código', 'códigos', 'codigo', 'codigos', 'clave']],
  [VERIFY, ['verific*', 'autentic*', 'aprob*']],
  [LOGIN, ['iniciar sesión', 'inicia sesión', 'inicio de sesión', 'iniciar sesion', 'inicia sesion', 'sesión', 'sesion', 'acced*', 'acceso', 'entrar', 'ingresar']],
  [ONETIME, ['un solo uso', 'solo uso', 'uso único', 'uso unico']],
  [SECURITY, ['seguridad']],
  [ENTER, ['introduc*', 'ingres*', 'escrib*', 'copia*', 'usa', 'utiliza*']],
  [EXPIRE, ['caduc*', 'expira*', 'válido', 'valido', 'vence']],
  [CLICK, ['clic', 'haz', 'botón', 'enlace', 'abajo']],
  [SUBSCRIBE, ['suscri*']],
  [NEGNUM, [
    'pedido*', 'factura*', 'recibo*', 'transacc*', 'seguimiento', 'referencia*', 'usuario*', 'teléfono*',
    'telefono', 'cupón', 'cupon', 'descuento*', 'importe', 'precio', 'iva', 'envío', 'calle', 'tarjeta',
    'código postal', 'código promocional', 'código de descuento', 'código de cupón', 'código de barras',
    'código de referencia', 'código de seguimiento', 'código de rastreo',
  ]],
  [LINKNEG, [
    'darse de baja', 'baja', 'cancelar suscripción', 'privacidad', 'ayuda', 'soporte', 'contacto', 'restablec*',
    'actividad*', 'desactiv*', 'elimin*', 'navegador', 'en línea', 'rastre*', 'seguir',
  ]],
  [LINKWEAK, ['visita*', 'ver', 'tienda', 'detalles', 'más']],
  // ---------------------------------------------------------------- Portuguese
  [ACTIVATE, ['ativ*']],
  [LOGIN, ['iniciar sessão', 'fazer login', 'acess*', 'sessão']],
  [ONETIME, ['única vez']],
  [SECURITY, ['segurança']],
  [ENTER, ['digite', 'insira', 'copie']],
  [CLICK, ['clique', 'botão', 'abaixo']],
  [SUBSCRIBE, ['assin*']],
  [NEGNUM, [
    'fatura*', 'transaç*', 'rastreamento', 'referência', 'usuário', 'telefone', 'cupom', 'desconto*', 'preço',
    'valor', 'rua', 'cep', 'cartão', 'código promocional', 'código de rastreamento', 'código do cupom',
    'código de desconto',
  ]],
  [LINKNEG, ['cancelar inscrição', 'descadastr*', 'privacidade', 'ajuda', 'suporte', 'contato', 'redefin*', 'ativid*', 'desativ*', 'excluir']],
  [LINKWEAK, ['visite', 'loja']],
  // ---------------------------------------------------------------- Russian
  [CODE, ['код', 'кода', 'коду', 'кодом', 'коде', 'коды', 'пин', 'пин код', 'одноразовый пароль']],
  [VERIFY, ['подтвер*', 'провер*', 'верифик*', 'аутентифик*']],
  [ACTIVATE, ['активир*', 'активац*']],
  [LOGIN, ['вход*', 'войти', 'войдите', 'авториз*', 'логин']],
  [ONETIME, ['одноразов*']],
  [SECURITY, ['безопасн*']],
  [ENTER, ['введ*', 'ввести', 'скопир*', 'используйте']],
  [EXPIRE, ['действител*', 'истек*', 'истечёт']],
  [CLICK, ['нажм*', 'кнопк*', 'ссылк*', 'ниже']],
  [SUBSCRIBE, ['подпис*']],
  [NEGNUM, ['заказ*', 'счет*', 'счёт*', 'квитанц*', 'трек*', 'отслеж*', 'телефон*', 'промокод*', 'скидк*', 'купон*', 'индекс', 'сумма', 'цена', 'итого', 'улица', 'ул']],
  [LINKNEG, ['отпис*', 'конфиденц*', 'помощ*', 'поддержк*', 'сброс*', 'активност*', 'действия', 'действий', 'удал*', 'отключ*', 'браузер*']],
  [LINKWEAK, ['открыть', 'посетить', 'магазин', 'подробнее']],
  // ---------------------------------------------------------------- Arabic (al-/wa-/bi-/li- prefixes are stripped)
  [CODE, ['رمز', 'كود']],
  [CODE | VERIFY, ['رمز التحقق', 'رمز التأكيد', 'كود التحقق']],
  [VERIFY, ['تحقق', 'تأكيد', 'تاكيد', 'أكد', 'توثيق']],
  [ACTIVATE, ['تفعيل', 'فعّل']],
  [LOGIN, ['دخول', 'تسجيل الدخول']],
  [ONETIME, ['لمرة واحدة', 'لمرة']],
  [SECURITY, ['أمان', 'أمني*']],
  [ENTER, ['أدخل', 'ادخل', 'انسخ', 'استخدم']],
  [EXPIRE, ['صالح*', 'تنتهي', 'ينتهي', 'صلاحية']],
  [CLICK, ['انقر', 'اضغط', 'زر', 'رابط']],
  [SUBSCRIBE, ['اشتراك']],
  [NEGNUM, ['فاتورة', 'إيصال', 'هاتف', 'خصم', 'كوبون', 'شحنة', 'تتبع']],
  [LINKNEG, ['إلغاء الاشتراك', 'إلغاء', 'خصوصية', 'مساعدة', 'دعم', 'إعادة تعيين', 'نشاط', 'حذف', 'تعطيل']],
  // ---------------------------------------------------------------- Italian, Dutch, Polish, Turkish, Korean (partial)
  [CODE, ['codice', 'kod', 'kodu', 'kodunuz', 'kodun', '코드*', '인증번호*', '인증코드*', '확인코드*', '보안코드*']],
  [VERIFY, ['verifica*', 'conferma*', 'bevestig*', 'verifieer*', 'weryfik*', 'potwierdz*', 'doğrula*', 'onayla*', '인증*', '확인*']],
  [ACTIVATE, ['attiva*', 'activeer*', 'aktywuj*', 'etkinleştir*', '활성화*']],
  [LOGIN, ['accedi', 'inloggen', 'aanmelden', 'zaloguj*', 'logowani*', 'giriş*', '로그인*']],
  [ONETIME, ['tek kullanımlık', '일회용*']],
  [ENTER, ['inserisci', 'voer', 'wpisz', 'girin', '입력*']],
  [NEGNUM, ['ordine', 'fattura', 'bestelling*', 'factuur*', 'zamówieni*', 'sipariş*', '주문*', '전화*']],
  [LINKNEG, ['disiscriviti', 'annulla iscrizione', 'uitschrijven', 'afmelden', 'wypisz*', '수신거부*', '개인정보*']],
];

/** Chinese and Japanese entries: matched anywhere inside runs of CJK characters, longest first. */
export const CJK_WORDS: readonly WordList[] = [
  [CODE, [
    '验证码', '校验码', '动态码', '确认码', '安全码', '登录码', '驗證碼', '認證碼', '动态密码', '动态口令', '口令',
    '认证码', 'コード', '認証番号', '確認番号', '暗証番号', 'パスコード',
  ]],
  [CODE | VERIFY, ['認証コード', '確認コード', '検証コード', '验证代码']],
  [CODE | SECURITY, ['セキュリティコード', '安全代码']],
  [CODE | LOGIN, ['ログインコード', '登录验证码']],
  [CODE | ONETIME, ['ワンタイムパスワード', 'ワンタイムコード', '一次性密码', '一次性验证码']],
  [CODE | ACTIVATE, ['激活码', 'アクティベーションコード']],
  [VERIFY, ['验证', '驗證', '确认', '確認', '认证', '認證', '認証', '核实', '核對', '検証']],
  [ACTIVATE, ['激活', '启用', '啟用', '有効化', 'アクティベート']],
  [LOGIN, ['登录', '登入', '登錄', '登陆', 'ログイン', 'サインイン']],
  [ONETIME, ['一次性', 'ワンタイム']],
  [SECURITY, ['安全', 'セキュリティ']],
  [ENTER, ['输入', '輸入', '填写', '入力', '复制', 'コピー']],
  [EXPIRE, ['有效期', '有效', '过期', '有効期限', '期限', '分钟内', '分以内']],
  [CLICK, ['点击', '點擊', '按钮', '链接', '連結', 'クリック', 'ボタン', 'リンク', '下方', '以下']],
  [SUBSCRIBE, ['订阅', '購読']],
  [NEGNUM, [
    '订单', '訂單', '发票', '發票', '运单', '運單', '快递', '物流', '电话', '電話', '邮编', '郵便番号', '注文', '請求',
    '領収', '追跡', '优惠', '優惠', '邀请码', '招待コード', 'クーポン', '割引', '金额', '价格', '価格', '合計', '合计',
    '优惠码', 'プロモーションコード',
  ]],
  [LINKNEG, [
    '退订', '取消订阅', '退訂', '配信停止', '購読解除', '隐私', '隱私', 'プライバシー', '帮助', '幫助', 'ヘルプ', '客服',
    'お問い合わせ', '重置', 'リセット', '再設定', 'アクティビティ', '浏览器', 'ブラウザ', '追踪', '跟踪', '删除', '削除',
    '活动', '活動',
  ]],
];
