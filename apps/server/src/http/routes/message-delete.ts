/** `delete_message.php`: deletes one message of a mailbox (/api with the token, /v1 with the key). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../domain/errors.js';
import { type HttpContext, params } from '../context.js';
import type { MailboxResolver } from './message-content.js';

export function registerMessageDelete(app: FastifyInstance, ctx: HttpContext, prefix: string, resolve: MailboxResolver, schema: object): void {
  const remove = async (request: FastifyRequest, reply: FastifyReply) => {
    const mailbox = await resolve(request, reply);
    const id = params(request).id;
    if (!(await ctx.reader.delete(mailbox, id))) throw notFound('No such message.');
    return { deleted: true, email: mailbox.address, id };
  };
  app.post(`${prefix}/delete_message.php`, { schema }, remove);
  app.delete(`${prefix}/delete_message.php`, { schema }, remove);
}
