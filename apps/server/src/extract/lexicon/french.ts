import type { Lexicon } from './types.js';

export const FRENCH: Lexicon = {
  code: ['code', 'codes', 'code pin', 'mot de passe à usage unique', 'code à usage unique'],
  number: ['numéro', 'numéros', 'num'],
  verify: ['confirmer votre adresse', 'confirmez votre adresse', 'confirmer votre e mail', 'confirmez votre e mail', 'confirmer votre adresse e mail', 'confirmez votre adresse e mail', 'vérifi*', 'authentifi*', 'valider', 'validez', 'validation'],
  confirm: ['c est moi', 'c était moi', 'oui c était moi', 'confirm*', 'approuv*', 'autoris*'],
  ambiguous: ['accès', 'd accès'],
  activate: ['activer*', 'activez*', 'activation'],
  login: ['connexion', 'connecter', 'connectez*', 'identifiez', 'identifier', 'se connecter', 'accéder', 'accès'],
  onetime: ['mot de passe à usage unique', 'code à usage unique', 'usage unique', 'double authentification', 'deux facteurs', 'a2f', 'double facteur'],
  security: ['sécurité', 'sécurisé*'],
  enter: ['saisi*', 'entrez', 'entrer', 'copiez', 'copier', 'utilisez', 'utiliser', 'indiquez', 'renseignez'],
  expire: ['valable', 'expire*', 'valide', 'validité'],
  click: ['clique*', 'bouton', 'lien', 'ci dessous', 'appuyez'],
  subscribe: ['inscri*', 'abonn*'],
  otherNumber: ['téléphone*', 'tél', 'rue', 'code postal', 'identifiant', 'siret', 'siren', 'tva', 'rcs', 'adhérent', 'membre', 'client', 'abonné'],
  place: ['porte', 'portail', 'immeuble', 'bâtiment', 'entrée', 'digicode', 'casier*', 'parking', 'retrait', 'code de retrait', 'alarme', 'chauffeur*', 'livreur*', 'borne', 'réception'],
  commerce: [
    'commande*', 'facture*', 'reçu', 'colis', 'suivi', 'référence*', 'réduction*', 'remise', 'montant', 'prix',
    'code promo', 'code de réduction', 'code de parrainage', 'code d invitation', 'code cadeau', 'carte',
    'réservation*', 'billet*', 'livraison*', 'paiement*', 'achat*', 'bon d achat',
    'cadeau*', 'dossier',
  ],
  topic: ['boutique', 'panier', 'soldes', 'offre*', 'promotion*', 'réunion*', 'webinaire*', 'événement*', 'vol', 'hôtel'],
  linkNeg: [
    'désinscri*', 'désabonn*', 'confidentialité', 'aide', 'assistance', 'réinitialis*', 'activité*', 'suivre',
    'supprim*', 'désactiv*', 'signaler', 'navigateur', 'en ligne', 'préférence*', 'paramètres', 'pas moi',
    'ce n était pas moi', 'mentions légales', 'conditions', 'modifier le mot de passe',
  ],
  linkWeak: ['visiter', 'visitez', 'découvr*', 'voir', 'consulter', 'gérer', 'en savoir plus'],
  warn: [
    'ne partagez', 'ne communiquez', 'ne transmettez', 'ne le partagez', 'jamais', 'personne', 'pas à l origine',
    'ignorez', 'ignorer', 'n avez pas demandé', 'pas demandé',
  ],
  done: [
    'déjà vérifié*', 'a été vérifié*', 'a été confirmé*', 'est confirmé*', 'est vérifié*', 'a bien été confirmé*',
    'a bien été vérifié*', 'a été activé*', 'est activé*', 'est désormais active',
  ],
  yes: ['oui', 'c est moi', 'c était moi', 'oui c était moi'],
  time: ['minute*', 'min', 'heure*', 'seconde*', 'jour*'],
};
