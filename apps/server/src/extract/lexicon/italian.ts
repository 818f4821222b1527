import type { Lexicon } from './types.js';

export const ITALIAN: Lexicon = {
  code: ['codice', 'codici', 'password monouso', 'codice monouso'],
  number: ['numero', 'numeri'],
  verify: ['conferma il tuo indirizzo', 'conferma la tua email', 'conferma il tuo indirizzo email', 'conferma la tua e mail', 'verifica*', 'verificare', 'autentica*', 'convalid*'],
  confirm: ['ero io', 'sono io', 'sono stato io', 'conferma*', 'confermare', 'approva*', 'autorizza*'],
  ambiguous: ['accesso'],
  activate: ['attiva*', 'attivazione'],
  login: ['accedi', 'accedere', 'accesso', 'effettua l accesso', 'entra'],
  onetime: ['password monouso', 'codice monouso', 'monouso', 'una tantum', 'due fattori', 'doppia autenticazione', 'due passaggi'],
  security: ['sicurezza'],
  enter: ['inserisci', 'inserire', 'digita', 'copia', 'usa', 'utilizza'],
  expire: ['scade', 'scadr*', 'scadenza', 'valido', 'valida', 'validi', 'valide', 'validità'],
  click: ['clicca*', 'pulsante', 'bottone', 'sotto', 'tocca'],
  subscribe: ['iscri*'],
  otherNumber: ['telefono', 'iva', 'partita iva', 'p iva', 'codice fiscale', 'cellulare', 'socio', 'soci', 'cliente', 'clienti', 'tessera'],
  place: ['porta', 'portone', 'cancello', 'edificio', 'ingresso', 'armadietto', 'locker', 'parcheggio', 'garage', 'allarme', 'ritiro', 'autista', 'corriere', 'reception'],
  commerce: [
    'ordine*', 'fattura*', 'ricevuta*', 'spedizione*', 'consegna*', 'tracciamento', 'prenotazione*', 'biglietto*',
    'pagamento*', 'acquisto*', 'sconto*', 'buono*', 'regalo*', 'codice sconto', 'codice promozionale',
    'codice coupon', 'carta regalo', 'carta', 'importo', 'prezzo', 'totale',
  ],
  topic: ['negozio', 'carrello', 'offerta*', 'saldi', 'riunione*', 'evento*', 'volo*'],
  linkNeg: [
    'disiscriviti', 'annulla iscrizione', 'cancellati', 'aiuto', 'assistenza', 'supporto', 'contatt*', 'reimposta*',
    'attività', 'disattiva*', 'elimina*', 'segnala*', 'non sono stato io', 'non ero io', 'termini', 'articolo*',
  ],
  linkWeak: ['visita', 'scopri*', 'vedi', 'di più', 'gestisci'],
  warn: ['non condividere', 'non condividerlo', 'mai', 'nessuno', 'non hai richiesto', 'ignora*'],
  done: ['già verificat*', 'stato verificat*', 'stato confermat*', 'già confermat*', 'stato attivat*'],
  yes: ['sì', 'ero io', 'sono io', 'sono stato io'],
  time: ['minut*', 'ora', 'ore', 'second*', 'giorn*'],
};
