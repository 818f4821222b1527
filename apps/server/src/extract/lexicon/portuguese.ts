import type { Lexicon } from './types.js';

export const PORTUGUESE: Lexicon = {
  code: ['código', 'senha de uso único', 'senha temporária'],
  number: ['número'],
  verify: ['confirme seu e mail', 'confirme o seu e mail', 'confirmar seu e mail', 'confirme seu endereço de e mail', 'verific*', 'autentic*'],
  confirm: ['fui eu', 'sou eu', 'confirm*', 'aprov*', 'autoriz*'],
  ambiguous: ['acesso'],
  activate: ['ativ*'],
  login: ['iniciar sessão', 'fazer login', 'acess*', 'sessão', 'entrar'],
  onetime: ['senha de uso único', 'senha temporária', 'uso único', 'única vez', 'dois fatores', 'duas etapas'],
  security: ['segurança'],
  enter: ['digite', 'insira', 'copie', 'use', 'utilize', 'informe', 'digitando'],
  expire: ['expira*', 'válido', 'vence'],
  click: ['clique', 'botão', 'abaixo'],
  subscribe: ['assin*', 'inscri*'],
  otherNumber: ['telefone', 'rua', 'cep', 'cpf', 'cnpj', 'usuário', 'sócio', 'sócios', 'cliente', 'clientes', 'associado'],
  place: ['porta', 'portão', 'prédio', 'edifício', 'entrada', 'armário', 'estacionamento', 'garagem', 'alarme', 'retirada', 'motorista*', 'entregador*', 'recepção', 'portaria'],
  commerce: [
    'fatura*', 'transaç*', 'rastreamento', 'referência', 'cupom', 'desconto*', 'preço', 'valor', 'cartão',
    'código promocional', 'código de rastreamento', 'código do cupom', 'código de desconto', 'pedido*', 'entrega*',
    'compra*', 'pagamento*', 'reserva*', 'bilhete*', 'passagem*', 'vale presente', 'presente*', 'nota fiscal',
  ],
  topic: ['loja', 'carrinho', 'oferta*', 'promoção*', 'reunião', 'evento*', 'voo', 'voos'],
  linkNeg: [
    'cancelar inscrição', 'descadastr*', 'privacidade', 'ajuda', 'suporte', 'contato', 'redefin*', 'ativid*',
    'desativ*', 'excluir', 'não fui eu', 'termos',
  ],
  linkWeak: ['visite', 'saiba mais', 'ver'],
  warn: ['não compartilhe', 'nunca compartilhe', 'ninguém', 'não solicitou', 'não foi você', 'ignore*', 'não tentou'],
  done: ['já verificad*', 'foi verificad*', 'foi confirmad*', 'já confirmad*', 'foi ativad*'],
  yes: ['sim', 'fui eu', 'sou eu'],
  time: ['minuto*', 'hora*'],
};
