/**
 * The receipt log, public: /api/receipts.php?since=SEQ (the chain after SEQ, in order, a page at a
 * time) and /.well-known/tempmail-receipts.json (the signing key). Receipts hold hashes only, so
 * anyone may read them; docs/encryption.md says how to check them (`tempmail receipts verify`).
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../domain/errors.js';
import { RECEIPT_PAGE, type ReceiptService } from '../../receipts/receipt-service.js';
import { params } from '../context.js';

export function receiptRoutes(receipts: ReceiptService) {
  return (app: FastifyInstance): void => {
    app.get('/api/receipts.php', {
      schema: {
        summary: 'Deletion receipts after a sequence number, in chain order (at most 1000; ask again from the last seq)',
        tags: ['receipts'],
        querystring: { type: 'object', properties: { since: { type: 'string', description: 'A receipt seq: the ones after it (default 0, from the first).' } } },
        response: { 200: { type: 'array', items: { $ref: 'Receipt#' } } },
      },
    }, async (request) => {
      // (Counted against the caller's anonymous rate like every /api request: anonymous.ts.)
      const raw = params(request).since ?? '0';
      if (!/^\d{1,15}$/.test(raw)) throw badRequest('since must be a receipt sequence number (0 or more).');
      return receipts.since(Number(raw), RECEIPT_PAGE);
    });
    app.get('/.well-known/tempmail-receipts.json', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('Cache-Control', 'public, max-age=300');
      return receipts.publicKeys();
    });
  };
}
