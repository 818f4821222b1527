import type { Lexicon } from './types.js';

export const DUTCH: Lexicon = {
  code: ['code', 'codes', 'pincode'],
  number: ['nummer', 'nr'],
  verify: ['bevestig je e mailadres', 'bevestig uw e mailadres', 'bevestig je e mail', 'bevestig uw e mail', 'verifieer*', 'verificati*', 'geverifieerd', 'valideer*'],
  confirm: ['dat was ik', 'ik was het', 'bevestig*', 'goedkeur*', 'keur goed'],
  ambiguous: ['toegang*'],
  activate: ['activeer*', 'activering*', 'geactiveerd'],
  login: ['inloggen', 'inlog*', 'aanmeld*', 'meld je aan', 'toegang*'],
  onetime: ['eenmalig*', 'twee staps*', 'tweestaps*', 'tweefactor*'],
  security: ['beveilig*', 'veiligheid*'],
  enter: ['voer', 'vul', 'invoeren', 'kopieer*', 'gebruik'],
  expire: ['verloopt', 'geldig*', 'vervalt'],
  click: ['klik*', 'knop', 'hieronder', 'onder'],
  subscribe: ['inschrij*', 'schrijf mij in', 'schrijf me in', 'meld mij aan', 'meld me aan', 'abonn*'],
  otherNumber: ['telefoon*', 'postcode', 'straat', 'kvk', 'btw', 'lid', 'lidnummer', 'lidmaatschap*'],
  place: ['deur', 'poort', 'gebouw', 'ingang', 'kluis*', 'pakketautomaat', 'parkeer*', 'garage', 'alarm', 'ophaal*', 'afhaal*'],
  commerce: [
    'bestelling*', 'bestel*', 'factuur*', 'ontvangstbewijs', 'zending*', 'bezorg*', 'levering*', 'pakket*',
    'klant*', 'korting*', 'cadeau*', 'tegoedbon', 'betaling*', 'reservering*', 'boeking*', 'totaal', 'prijs',
  ],
  topic: ['winkel*', 'winkelwagen', 'aanbieding*', 'uitverkoop', 'vergadering*', 'betaald'],
  linkNeg: [
    'uitschrijven', 'afmelden', 'privacy*', 'hulp', 'klantenservice', 'resetten', 'wachtwoord wijzigen',
    'activiteit*', 'deactiveer*', 'verwijder*', 'niet ik', 'voorwaarden', 'artikel*',
  ],
  linkWeak: ['bekijk*', 'bezoek*', 'ontdek*', 'meer', 'beheer*'],
  warn: ['deel deze', 'deel de code', 'niet delen', 'nooit', 'niemand', 'niet aangevraagd', 'niet zelf', 'negeer*'],
  done: ['al bevestigd', 'is bevestigd', 'succesvol bevestigd', 'al geverifieerd', 'is geverifieerd', 'is geactiveerd'],
  yes: ['ja', 'dat was ik', 'ik was het'],
  time: ['minut*', 'uur', 'uren', 'seconde*', 'dag', 'dagen'],
};
