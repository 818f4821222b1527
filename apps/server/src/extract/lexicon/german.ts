import type { Lexicon } from './types.js';

export const GERMAN: Lexicon = {
  code: ['code', 'codes', 'pin', 'tan', 'einmalpasswort*', 'einmalkennwort*', 'einmal passwort', 'einmalcode*'],
  number: ['nummer', 'nummern', 'nr'],
  verify: ['e mail adresse bestätigen', 'e mail bestätigen', 'bestätigen sie ihre e mail adresse', 'bestätige deine e mail adresse', 'bestätigen sie ihre e mail', 'verifizier*', 'verifikation*', 'überprüf*', 'authentifizier*', 'authentifikation*'],
  confirm: ['das war ich', 'ich war es', 'ja das war ich', 'bestätig*', 'bestaetig*', 'freigeb*', 'freigabe*', 'autorisier*', 'genehmig*'],
  ambiguous: ['zugang*', 'zutritt*'],
  activate: ['aktivier*', 'freischalt*', 'freizuschalt*'],
  login: ['anmeld*', 'anzumeld*', 'einlogg*', 'einzulogg*', 'zugang*', 'login*'],
  onetime: ['einmalpasswort*', 'einmalkennwort*', 'einmal passwort', 'einmalcode*', 'einmal*', 'zwei faktor*', 'zweifaktor*', '2 faktor*', 'zwei schritt*', 'zweistufig*'],
  security: ['sicherheit*'],
  enter: ['eingeb*', 'einzugeb*', 'gib', 'gebe', 'geben', 'kopier*', 'verwende*', 'nutze*', 'füge', 'trage', 'tippe', 'tippen'],
  expire: ['gültig*', 'läuft', 'ablauf*', 'verfällt', 'verfall*'],
  click: ['klick*', 'schaltfläche*', 'unten', 'knopf'],
  subscribe: ['abonn*', 'newsletter anmeldung', 'eintragen'],
  otherNumber: [
    'telefon*', 'handy', 'plz', 'postleitzahl', 'straße', 'strasse', 'postfach', 'kontonummer', 'handelsregister',
    'steuer*', 'ust', 'mwst', 'hrb', 'vorwahl', 'mitglied*', 'benutzer*', 'version', 'kunde',
  ],
  place: ['tür', 'türen', 'türcode', 'türöffner*', 'tor', 'eingang*', 'gebäude*', 'haustür', 'schließfach*', 'packstation', 'abhol*', 'parkhaus', 'garage', 'alarm*', 'fahrer*', 'zusteller*', 'rezeption', 'empfang'],
  commerce: [
    'bestell*', 'rechnung*', 'sendung*', 'auftrag*', 'kunden*', 'artikel*', 'gutschein*', 'rabatt*', 'aktions*',
    'referenz*', 'vorgang*', 'transaktion*', 'versand*', 'paket*', 'liefer*', 'buchung*', 'reservierung*',
    'ticket*', 'fahrkarte*', 'beleg*', 'quittung*', 'zahlung*', 'bezahl*', 'betrag', 'summe', 'zwischensumme',
    'gesamtbetrag', 'preis', 'karte', 'geschenk*', 'einkauf*', 'kauf*', 'sendungsverfolgung',
  ],
  topic: ['shop*', 'warenkorb', 'kasse', 'angebot*', 'sale', 'veranstaltung*', 'termin', 'termine', 'terminen', 'terminbestätigung', 'terminvereinbarung', 'terminerinnerung', 'terminänderung', 'webinar*', 'meeting*', 'besprechung*', 'flug*', 'hotel*', 'reise*', 'sitzplatz'],
  linkNeg: [
    'abmeld*', 'abbestell*', 'datenschutz*', 'impressum', 'hilfe', 'kontakt*', 'agb', 'nutzungsbeding*', 'zurücksetz*',
    'zurückzusetz*', 'passwort vergessen', 'passwort ändern', 'aktivität*', 'verfolg*', 'deaktivier*', 'entfern*',
    'lösch*', 'webansicht', 'im browser', 'einstellungen', 'sperr*', 'nicht ich', 'das war ich nicht', 'melden',
  ],
  linkWeak: ['öffn*', 'besuch*', 'ansehen', 'anzeigen', 'mehr', 'verwalt*', 'entdeck*', 'einkaufen', 'zum shop'],
  warn: [
    'niemals', 'niemandem', 'nicht weiter', 'nicht weitergeben', 'nicht teilen', 'nicht angefordert', 'nicht selbst',
    'nicht sie', 'nicht du', 'ignorier*', 'keine aktion', 'jemand versucht', 'nicht von ihnen', 'nicht von dir',
  ],
  done: [
    'bereits bestätigt', 'erfolgreich bestätigt', 'wurde bestätigt', 'ist bestätigt', 'erfolgreich verifiziert',
    'wurde verifiziert', 'bereits verifiziert', 'wurde aktiviert', 'ist aktiviert', 'erfolgreich aktiviert',
    'ist jetzt aktiv',
  ],
  yes: ['ja', 'das war ich', 'ich war es', 'ja das war ich'],
  time: ['minute*', 'min', 'stunde*', 'std', 'sekunde*', 'tag', 'tage', 'tagen'],
};
