import type { Lexicon } from './types.js';

export const TURKISH: Lexicon = {
  code: ['kod', 'kodu', 'kodun', 'kodunuz', 'kodunu', 'kodla', 'kodlar*', 'tek kullanımlık şifre', 'doğrulama şifresi', 'tek seferlik şifre'],
  number: ['numara*', 'numarası'],
  verify: ['doğrulama şifresi', 'doğrula*', 'kimlik doğrulama'],
  confirm: ['bendim', 'evet bendim', 'onayla*', 'onay'],
  ambiguous: ['erişim*'],
  activate: ['etkinleştir*', 'aktifleştir*', 'aktivasyon'],
  login: ['giriş*', 'oturum aç*', 'oturum açma'],
  onetime: ['tek kullanımlık şifre', 'tek seferlik şifre', 'tek kullanımlık', 'tek seferlik', 'iki adımlı', 'iki faktörlü'],
  security: ['güvenlik*'],
  enter: ['gir', 'girin', 'giriniz', 'girerek', 'kullan', 'kullanın', 'kopyala*', 'yaz', 'yazın'],
  expire: ['geçerli*', 'süresi', 'dolacak'],
  click: ['tıkla*', 'buton*', 'düğme*', 'bağlantı*'],
  subscribe: ['abone*', 'bülten kayd*'],
  otherNumber: ['telefon*', 'posta kodu', 'vergi', 'mersis', 'sokak', 'cadde', 'mahalle', 'üye', 'üyelik', 'müşteri'],
  place: ['kapı*', 'bina', 'binaya', 'binanın', 'giriş kapısı', 'dolap*', 'otopark*', 'teslim alma', 'teslim kodu', 'sürücü*', 'şoför*', 'kurye*'],
  commerce: [
    'sipariş*', 'fatura*', 'kargo*', 'teslimat*', 'paket*', 'indirim*', 'kupon*', 'indirim kodu', 'hediye çeki',
    'hediye*', 'rezervasyon*', 'bilet*', 'ödeme*', 'alışveriş*', 'makbuz*', 'iade*', 'tutar*', 'fiyat*',
  ],
  topic: ['mağaza*', 'sepet*', 'kampanya*', 'fırsat*', 'toplantı*'],
  linkNeg: ['abonelikten çık*', 'aboneliği iptal', 'gizlilik', 'yardım', 'destek', 'iletişim', 'sıfırla*', 'ben değilim', 'ben değildim'],
  linkWeak: ['incele', 'göz at', 'keşfet'],
  warn: [
    'kimseyle', 'paylaşmayın', 'paylaşma', 'asla', 'talep etmediyseniz', 'siz yapmadıysanız', 'dikkate alma*',
    'başlatmadıysan', 'başlatmadıysanız', 'sen değilsen',
  ],
  done: ['doğrulandı', 'onaylandı', 'zaten doğrulan*', 'başarıyla doğrulan*', 'etkinleştirildi'],
  yes: ['evet', 'bendim', 'evet bendim'],
  time: ['dakika*', 'saat*', 'saniye*', 'gün'],
};
