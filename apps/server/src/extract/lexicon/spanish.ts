import type { Lexicon } from './types.js';

export const SPANISH: Lexicon = {
  code: ['codi', 'codis', 'kodea', 'kodeak', 'kode', 'código', 'códigos', 'clave', 'contraseña de un solo uso', 'contraseña temporal'],
  number: ['número', 'números', 'núm', 'nº'],
  verify: ['verifica*', 'egiaztapen*', 'egiaztatu', 'egiaztatzeko', 'verific*', 'autentic*', 'valida*'],
  confirm: ['fui yo', 'soy yo', 'sí fui yo', 'confirm*', 'aprob*', 'autoriz*'],
  ambiguous: ['acceso'],
  activate: ['activa*', 'activación'],
  login: ['accedir', 'iniciar sessió', 'saioa hasi*', 'iniciar sesión', 'inicia sesión', 'inicio de sesión', 'sesión', 'acced*', 'acceso', 'entrar', 'ingresar'],
  onetime: ['contraseña de un solo uso', 'contraseña temporal', 'un solo uso', 'solo uso', 'uso único', 'dos pasos', 'doble factor', 'dos factores'],
  security: ['seguridad'],
  enter: ['introduc*', 'ingres*', 'escrib*', 'copia*', 'usa', 'utiliza*', 'usar'],
  expire: ['caduca', 'balio du', 'caduc*', 'expira*', 'válido', 'válida', 'vence', 'vencer*'],
  click: ['clic', 'haz', 'botón', 'enlace', 'abajo', 'pulsa*'],
  subscribe: ['suscri*', 'darte de alta'],
  otherNumber: ['soci', 'núm de soci', 'bezero*', 'zenbaki*', 'teléfono*', 'calle', 'código postal', 'usuario*', 'nif', 'cif', 'dni', 'móvil', 'iva', 'socio', 'socios', 'cliente', 'clientes', 'abonado'],
  place: ['puerta', 'edificio', 'entrada', 'taquilla*', 'casillero*', 'parking', 'aparcamiento', 'garaje', 'alarma', 'recogida', 'conductor*', 'repartidor*', 'recepción'],
  commerce: [
    'pedido*', 'factura*', 'recibo*', 'transacc*', 'seguimiento', 'referencia*', 'cupón', 'descuento*', 'importe',
    'precio', 'envío', 'tarjeta', 'código promocional', 'código de descuento', 'código de cupón',
    'código de barras', 'código de referencia', 'código de seguimiento', 'código de rastreo', 'entrega',
    'repartidor*', 'reserva*', 'billete*', 'localizador', 'compra*', 'pago*', 'regalo*', 'ticket*',
  ],
  topic: ['tienda', 'carrito', 'oferta*', 'rebaja*', 'reunión', 'seminario*', 'evento*', 'vuelo*', 'hotel'],
  linkNeg: [
    'darse de baja', 'baja', 'cancelar suscripción', 'privacidad', 'ayuda', 'soporte', 'contacto', 'restablec*',
    'actividad*', 'desactiv*', 'elimin*', 'navegador', 'en línea', 'rastre*', 'seguir', 'no fui yo', 'artículo*',
    'términos', 'condiciones', 'cambiar contraseña',
  ],
  linkWeak: ['visita*', 'ver', 'detalles', 'más', 'gestionar', 'descubr*'],
  warn: [
    'no compartas', 'no compartir', 'no lo compartas', 'no la compartas', 'nunca', 'nadie', 'no solicitaste',
    'no has solicitado', 'no fuiste', 'ignora*',
  ],
  done: [
    'ya está verificad*', 'ha sido verificad*', 'ha sido confirmad*', 'fue verificad*', 'fue confirmad*',
    'ya verificad*', 'verificada correctamente', 'confirmada correctamente', 'ha sido activad*',
  ],
  yes: ['sí', 'fui yo', 'soy yo', 'sí fui yo'],
  time: ['minuts', 'minutu', 'minutuz', 'minutuan', 'minuto*', 'hora*', 'segundo*', 'día*'],
};
