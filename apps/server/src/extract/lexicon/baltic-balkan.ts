import type { Lexicon } from './types.js';

/**
 * Croatian, Serbian (Latin), Bosnian, Slovenian, Lithuanian, Latvian, Estonian, Albanian,
 * Filipino/Tagalog and Swahili: the languages of Europe and beyond that the other files leave
 * out, with the concepts a code or a link needs (stems fold diacritics: `šifra` = `sifra`).
 */
export const BALTIC_BALKAN: Lexicon = {
  code: ['msimbo', 'msimbo wako', 'kodu', 
    'šifra', 'šifru', 'šifre', 'koda', 'kodo', 'kodas', 'kodą', 'kods', 'kodu', 'kood', 'koodi', 'koodiga',
    'kodi', 'kodin', 'nambari ya siri',
  ],
  number: ['broj', 'številka', 'numeris', 'numurs', 'number', 'numri', 'numero', 'nambari'],
  verify: ['uthibitisho', 'thibitisha', 'kuthibitisha', 'kuthibitisho', 
    'verifikacij*', 'verificir*', 'verifikuj*', 'preveri*', 'patikrin*', 'verifikav*', 'pārbaud*', 'verificē*',
    'kontrolli*', 'verifitseeri*', 'verifiko*', 'thibitisha', 'uthibitisho', 'beripika*', 'i verify',
  ],
  confirm: ['to sem jaz', 'to sam ja', 'da, to sam ja', 'potvrd*', 'potrdi*', 'patvirtin*', 'apstiprin*', 'kinnita*', 'kinnitus*', 'konfirmo*', 'kumpirm*', 'to sam bio ja', 'to sam ja', 'taip tai aš'],
  activate: ['aktivir*', 'aktiviraj*', 'aktyvuo*', 'aktivizē*', 'aktiveeri*', 'aktivizo*', 'washa'],
  login: ['prijav*', 'prisijung*', 'pieslēg*', 'sisselogi*', 'sisene*', 'hyrje', 'identifikohu', 'mag-log in', 'ingia'],
  onetime: ['jednokratn*', 'enkratn*', 'vienkartin*', 'vienreizēj*', 'ühekordne', 'njëpërdorimsh*', 'dvofaktorsk*', 'dvostupanjsk*'],
  security: ['sigurnos*', 'varnost*', 'saugum*', 'drošīb*', 'turvalisus*', 'siguri*', 'usalama'],
  enter: ['unesite', 'upišite', 'vnesite', 'įveskite', 'ievadiet', 'sisesta*', 'sisestage', 'vendosni', 'ilagay', 'weka'],
  expire: ['halali', 'inatumika', 'vrijedi', 'važi', 'velja', 'galioja', 'derīg*', 'kehtib', 'kehtiv', 'vlen', 'istek*'],
  click: ['kiungo', 'kiungo hiki', 'klikni*', 'kliknite', 'gumb*', 'poveznic*', 'povezav*', 'spustel*', 'spiediet', 'vajuta*', 'klikoni', 'i-click', 'bofya'],
  subscribe: ['pretplat*', 'naročnin*', 'prenumerat*', 'abonē*', 'telli*', 'abonim*'],
  otherNumber: ['davčna', 'davčna številka', 'izkaznic*', 'članska', 'člansk*', 'kupac', 'kupca', 'muamala', 'tin', 'telefon*', 'tālrun*', 'oib', 'pib'],
  place: ['vrata', 'ulaz*', 'paketomat*', 'paštomat*', 'durys', 'paštomat*', 'durvis', 'pakomāt*', 'uks', 'pakiautomaat*'],
  commerce: ['rufaa', 'msimbo wa rufaa', 'zawadi', 'malipo', 'agizo', 'oda', 'darilna kartica', 'poklon kartica', 
    'narudžb*', 'naročil*', 'užsakym*', 'pasūtījum*', 'tellimus*', 'porosi*', 'rēķin*', 'arve*',
    'dostav*', 'pristat*', 'piegād*', 'tarne*', 'rezervacij*', 'rezervācij*', 'broneering*', 'karta', 'kartica',
    'popust*', 'nuolaid*', 'atlaid*', 'soodus*', 'kupon*', 'plaćanj*', 'plačil*', 'mokėjim*', 'maksājum*', 'makse*',
  ],
  linkNeg: ['geslo', 'gesla', 'novo geslo', 'ponastav*', 'lozink*', 'nova lozinka', 'to nisem jaz', 'to nisam ja', 'odjav*', 'privatnost*', 'pomoć', 'pomoč', 'pagalb*', 'palīdzīb*', 'ndihm*', 'nisam ja', 'to nisam bio ja'],
  warn: ['usimpe mtu', 'usimpe', 'usishiriki', 'mtu yeyote', 'ne dijelite', 'ne delite', 'nikome', 'nikomur', 'niekam', 'nevienam', 'ärge jagage', 'kellelegi', 'mos e ndani', 'usishiriki'],
  done: ['je potvrđen*', 'je verificiran*', 'je potrjen*', 'patvirtintas', 'patvirtinta', 'ir apstiprinā*', 'on kinnitatud'],
  yes: ['da', 'taip', 'jā', 'jah', 'po', 'oo', 'ndiyo'],
  time: ['dakika', 'minut*', 'minučių', 'minūt*', 'minutit', 'minuti', 'sati', 'valand*', 'stund*', 'tundi', 'dakika'],
};
