/**
 * /v1/domains.php: custom receiving domains for premium keys (issue 8).
 *   POST   key, domain                 -> claim (+ one MX check) -> {"domain","status","mx"}
 *   GET    key[, domain][, verify=1]   -> the key's domains (array), or one; verify=1 checks MX now
 *   DELETE key, domain                 -> release
 * Authentication and rate limits come from the /v1 preHandler in keyed-v1.ts.
 */
import { ROUTE_SCHEMAS } from '../openapi/route-schemas.js';
import type { FastifyInstance } from 'fastify';
import { domainsUnavailable, type DomainService } from '../../domains/domain-service.js';
import { badRequest } from '../../domain/errors.js';
import { type HttpContext, params } from '../context.js';
import { keyOf } from './keyed-v1.js';

const PATH = '/v1/domains.php';

/** `verify=1` (also true/yes/on); an absent or false-ish value is false. */
function flag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

/**
 * The route plugin for buildHttpApp's `extraRoutes`. With `service` null (a storage backend
 * without custom domains) every call answers 503.
 */
export function domainRoutes(service: DomainService | null): (app: FastifyInstance, ctx: HttpContext) => void {
  return (app) => {
    app.post(PATH, { schema: ROUTE_SCHEMAS.domainCreate }, async (request) => {
      if (!service) throw domainsUnavailable();
      const row = await service.register(keyOf(request), params(request).domain);
      return service.view(row);
    });

    app.get(PATH, { schema: ROUTE_SCHEMAS.domainGet }, async (request) => {
      if (!service) throw domainsUnavailable();
      const key = keyOf(request);
      const p = params(request);
      const verify = flag(p.verify);
      if (p.domain !== undefined) {
        let row = await service.getOwn(key.id, p.domain);
        if (verify) row = await service.verify(row);
        return service.view(row);
      }
      let rows = await service.list(key.id);
      if (verify) {
        const checked = [];
        for (let i = 0; i < rows.length; i += 5) checked.push(...(await Promise.all(rows.slice(i, i + 5).map((r) => service.verify(r)))));
        rows = checked;
      }
      return rows.map((r) => service.view(r));
    });

    app.delete(PATH, { schema: ROUTE_SCHEMAS.domainDelete }, async (request) => {
      if (!service) throw domainsUnavailable();
      const p = params(request);
      if (p.domain === undefined) throw badRequest('domain is missing.');
      const domain = await service.release(keyOf(request).id, p.domain);
      return { deleted: true, domain };
    });
  };
}
