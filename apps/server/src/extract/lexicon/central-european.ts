import type { Lexicon } from './types.js';

/** Polish, Czech, Slovak, Hungarian and Romanian. */
export const CENTRAL_EUROPEAN: Lexicon = {
  code: [
    'kod', 'kodu', 'kodem', 'kody', 'hasło jednorazowe', 'kód', 'kódu', 'kódem', 'kódot', 'kódja', 'kódod', 'cod',
    'codul', 'codului', 'pin',
  ],
  number: ['numer', 'nr', 'číslo', 'čísla', 'szám', 'száma', 'număr*', 'numar*'],
  verify: ['weryfik*', 'uwierzytel*', 'ověř*', 'overi*', 'verifik*', 'ellenőrz*', 'ellenőrizd', 'hitelesít*', 'igazol*', 'verific*', 'autentific*'],
  confirm: ['to ja', 'to byłem ja', 'to byłam ja', 'én voltam', 'am fost eu', 'potwierdz*', 'zatwierdz*', 'autoryz*', 'potvrď*', 'potvrd*', 'schval*', 'megerősít*', 'jóváhagy*', 'confirm*', 'aprob*', 'autoriz*'],
  ambiguous: ['dostęp*', 'přístup*', 'hozzáférés*', 'acces'],
  activate: ['aktywuj*', 'aktywacj*', 'aktywować', 'aktivuj*', 'aktivac*', 'aktivovat', 'aktivál*', 'activ*'],
  login: ['zaloguj*', 'logowani*', 'zalogowani*', 'přihlás*', 'prihlas*', 'přihlášení', 'bejelentkez*', 'conectare', 'logare', 'autentificare'],
  onetime: ['hasło jednorazowe', 'jednorazow*', 'dwuetapow*', 'dwuskładnikow*', 'jednorázov*', 'jednorazov*', 'egyszeri', 'egyszer használatos', 'unică folosință', 'o singură dată', 'doi factori'],
  security: ['bezpieczeństw*', 'bezpečnost*', 'biztonság*', 'biztonsági', 'securitate'],
  enter: ['wpisz', 'wprowadź', 'wpisać', 'użyj', 'skopiuj', 'podaj', 'zadejte', 'zadajte', 'zadej', 'použijte', 'zkopírujte', 'írd be', 'add meg', 'adja meg', 'használd', 'másold', 'introdu*', 'folosește', 'copiază'],
  expire: ['ważny', 'ważne', 'wygasa', 'wygaśnie', 'ważność*', 'platn*', 'vyprš*', 'érvényes*', 'lejár*', 'valabil*', 'expiră'],
  click: ['kliknij', 'przycisk*', 'poniżej', 'klikněte', 'kliknite', 'tlačítk*', 'odkaz', 'kattints*', 'kattintson', 'gomb*', 'apasă', 'buton*'],
  subscribe: ['zapis*', 'subskrypcj*', 'odběr*', 'feliratkoz*', 'abon*', 'înscrie*'],
  otherNumber: ['telefon*', 'ulica', 'ul', 'kod pocztowy', 'nip', 'regon', 'krs', 'ulice', 'psč', 'ičo', 'dič'],
  place: ['drzwi', 'brama', 'budyn*', 'wejści*', 'paczkomat*', 'skrytk*', 'automacie', 'automatu', 'odbior*', 'odbiór', 'parking*', 'dveř*', 'brána', 'budov*', 'vchod*', 'vyzvednut*', 'výdej*', 'ajtó*', 'kapu*', 'átvétel*', 'ușă', 'ridicare', 'kierowc*', 'kurier*', 'řidič*', 'kurýr*', 'sofőr*', 'futár*', 'șofer*', 'curier*'],
  commerce: [
    'zamówieni*', 'faktur*', 'przesyłk*', 'paczk*', 'dostaw*', 'płatnoś*', 'rabat*', 'kod rabatowy', 'kupon*', 'bilet*',
    'rezerwacj*', 'zakup*', 'karta podarunkowa', 'paragon*', 'transakcj*', 'objednávk*', 'zásilk*', 'platb*', 'sleva*',
    'slevov*', 'kupón*', 'rezervac*', 'vstupenk*', 'nákup*', 'rendelés*', 'számla*', 'szállítás*', 'kedvezmény*',
    'foglalás*', 'jegy*', 'fizetés*', 'comand*', 'livrare*', 'colet*', 'plată', 'reducere*', 'cod promoțional',
    'voucher*', 'rezervare*',
  ],
  topic: ['sklep*', 'koszyk*', 'promocj*', 'spotkani*', 'obchod*', 'košík', 'akci*'],
  linkNeg: [
    'wypisz*', 'zrezygnuj', 'prywatnoś*', 'pomoc', 'resetuj*', 'aktywnoś*', 'usuń', 'to nie ja', 'regulamin',
    'odhlásit', 'odhlasit', 'soukromí', 'nápověda', 'nebyl jsem to', 'leiratkoz*', 'adatvédelm*', 'segítség', 'súgó',
    'dezabon*', 'confidențialitate', 'ajutor', 'asistență',
  ],
  linkWeak: ['zobacz', 'odwiedź', 'więcej'],
  warn: [
    'nie udostępniaj', 'nikomu', 'nie podawaj', 'nigdy', 'nie prosiłeś', 'nie prosiłaś', 'zignoruj', 'nesdílejte',
    'nesdělujte', 'nepožádali', 'ignorujte', 'senkivel', 'ne oszd meg', 'ne add ki', 'nem te voltál',
    'figyelmen kívül', 'nu distribui', 'nu comunica', 'nimănui', 'nu ai solicitat', 'ignoră',
  ],
  done: [
    'został potwierdzon*', 'zostało potwierdzon*', 'już potwierdzon*', 'został zweryfikowan*', 'zostało aktywowan*',
    'byl ověřen', 'byla ověřena', 'již ověřen*', 'byl potvrzen', 'byla potvrzena', 'sikeresen megerősít*',
    'a fost confirmat*', 'a fost verificat*', 'deja confirmat*', 'a fost activat*',
  ],
  yes: ['tak', 'to ja', 'to byłem ja', 'to byłam ja', 'ano', 'áno', 'igen', 'én voltam', 'da', 'am fost eu'],
  time: ['minut*', 'godzin*', 'sekund*', 'hodin*', 'perc', 'percen', 'percig', 'percet', 'óra', 'órán', 'órát', 'órás'],
};
