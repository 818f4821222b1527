import type { Lexicon } from './types.js';

/** Swedish, Danish, Norwegian and Finnish. */
export const NORDIC: Lexicon = {
  code: ['kod', 'koden', 'koder', 'kode', 'koden', 'koodi', 'koodin', 'koodisi', 'engångskod*', 'engangskode*', 'kertakäyttökoodi*'],
  number: ['nummer', 'numero'],
  verify: ['verifier*', 'verificer*', 'verifiser*', 'autentiser*', 'varmist*', 'todenn*'],
  confirm: ['det var jag', 'det var mig', 'det var meg', 'se olin minä', 'bekräft*', 'bekræft*', 'bekreft*', 'godkänn*', 'godkend*', 'godkjenn*', 'vahvist*', 'hyväksy*'],
  ambiguous: ['åtkomst*', 'adgang*', 'tilgang*', 'pääsy*'],
  activate: ['aktiver*', 'aktivoi*'],
  login: ['logga in', 'inloggning*', 'log ind', 'logg inn', 'pålogging*', 'indlogning', 'kirjaudu*', 'kirjautu*'],
  onetime: ['engångskod*', 'engangskode*', 'kertakäyttökoodi*', 'engång*', 'engangs*', 'tvåstegs*', 'tvåfaktor*', 'tofaktor*', 'totrinns*', 'kertakäyttö*'],
  security: ['säkerhet*', 'sikkerhed*', 'sikkerhet*', 'turva*'],
  enter: ['ange', 'skriv', 'använd', 'kopiera', 'indtast', 'angi', 'tast', 'bruk', 'brug', 'syötä', 'kirjoita', 'käytä', 'kopioi'],
  expire: ['giltig*', 'upphör', 'gyldig*', 'udløber', 'utløper', 'voimassa', 'vanhenee', 'umpeutuu'],
  click: ['klicka*', 'knapp*', 'länk*', 'klik*', 'klikk*', 'knap', 'lenke*', 'napsauta', 'klikkaa', 'painike*', 'linkki*'],
  subscribe: ['prenumer*', 'tilmeld*', 'abonner*'],
  otherNumber: ['telefon*', 'puhelin*', 'postnummer', 'kund', 'kunde', 'medlem*', 'asiakas', 'asiakkaan', 'jäsen*'],
  place: ['dörr*', 'porten', 'portkod*', 'entrén', 'entrédörr*', 'entrékod*', 'skåp', 'skåpet', 'skåpskod*', 'paketskåp*', 'hämt*', 'dør', 'døren', 'dørkode*', 'indgang*', 'pakkeboks*', 'afhent*', 'ovi', 'oven', 'ovikoodi', 'portti*', 'nouto*', 'pakettiautomaat*', 'förare', 'chaufför*', 'sjåfør*', 'chauffør*', 'kuljettaja*'],
  commerce: [
    'beställning*', 'faktura*', 'kvitto*', 'leverans*', 'paket*', 'rabatt*', 'presentkort*', 'bokning*', 'biljett*',
    'betalning*', 'ordre*', 'bestilling*', 'kvittering*', 'levering*', 'pakke*', 'rabat*', 'gavekort*', 'booking*',
    'billet*', 'bilett*', 'betaling*', 'tilaus*', 'lasku*', 'kuitti*', 'toimitus*', 'alennus*', 'lahjakortti*',
    'varaus*', 'lippu*', 'maksu*',
  ],
  topic: ['butik*', 'varukorg', 'kurv', 'handlekurv', 'kauppa*', 'ostoskori'],
  linkNeg: [
    'avregistrer*', 'avsluta prenumeration', 'integritet*', 'hjälp', 'återställ*', 'afmeld*', 'avmeld*', 'privatliv*',
    'personvern*', 'hjælp', 'hjelp', 'nulstil*', 'tilbakestill*', 'peruuta*', 'tietosuoja*', 'ohje*', 'apu',
  ],
  warn: ['dela inte', 'aldrig', 'aldri', 'ingen', 'inte begärt', 'ikke bedt', 'ikke anmodet', 'ignorera*', 'ignorer', 'älä jaa', 'älä anna', 'koskaan', 'kenellekään', 'et pyytänyt', 'jätä huomiotta'],
  done: ['är verifierad', 'är verifierat', 'redan verifierad', 'er verificeret', 'er verifisert', 'on vahvistettu', 'on varmennettu', 'är bekräftad', 'har bekräftats', 'redan bekräftad', 'har verifierats', 'er bekræftet', 'er bekreftet', 'allerede bekræftet', 'on vahvistettu', 'jo vahvistettu'],
  yes: ['ja', 'det var jag', 'det var mig', 'det var meg', 'kyllä', 'se olin minä'],
  time: ['minut*', 'minutt*', 'timme', 'timmar', 'timmen', 'minuut*', 'tunti*', 'tunnin'],
};
