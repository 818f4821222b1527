/**
 * The Fastify app: plugins in a fixed order (external, then app, then routes), one error
 * handler, security headers, the web page at /.
 */
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cidrMatcher } from './client-ip.js';
import type { HttpContext } from './context.js';
import { AppError } from '../domain/errors.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './errors.js';
import { capConnectionsPerIp } from './guards.js';
import { registerAnonymousRoutes } from './routes/anonymous.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerKeyedRoutes } from './routes/keyed-v1.js';
import { registerOpenApi } from './openapi/index.js';
import { lazySchemaController } from './openapi/lazy-compilers.js';
import { lazyChildLogger } from './request-logger.js';

export interface HttpAppOptions {
  /** Built web page (apps/web/dist), served at /. */
  webRoot: string | null;
  /** The service's version (in /openapi.json). */
  version?: string;
  /** Extra route plugins (webhooks, domains) registered after the core routes. */
  extraRoutes?: Array<(app: FastifyInstance, ctx: HttpContext) => void>;
}

const PAGE_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "style-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** What a caller's X-Request-Id may be to be kept (else a new id): no spaces, quotes or control characters in logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * The id of a request: the X-Request-Id a proxy or client sent when it is a safe token, so one
 * id follows a request through the proxy's logs and ours; otherwise a new random one (unique
 * across nodes, unlike Fastify's counter).
 */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : flat(randomUUID());
}

/**
 * The string flattened in place: Node builds a UUID by concatenating twenty pieces, a tree of
 * about 0.6 KB that every request (a held wait for up to a minute) would otherwise keep.
 * Converting to a number makes V8 flatten the string first (the same trick as `flatstr`).
 */
function flat(s: string): string {
  void Number(s);
  return s;
}

export async function buildHttpApp(ctx: HttpContext, options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines carry keys and tokens in their query: the http logger stays at warn.
    loggerInstance: ctx.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    // Every log line of a request carries its id (reqId), echoed as X-Request-Id (logging.md).
    genReqId: requestId,
    // Each request's child logger is made only when it writes (a held wait.php keeps its own).
    childLoggerFactory: lazyChildLogger,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    schemaController: lazySchemaController() as never, // routes' schemas compiled on first use (openapi/lazy-compilers.ts)
    trustProxy: false, // client IPs come from ctx.ipOf, which knows the trusted proxies
    return503OnClosing: true,
    // Errors Fastify or Node's parser raise before a route runs get the contract's shape too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    forceCloseConnections: 'idle',
    // A whole request (headers and body) must arrive within this time, checked every second
    // (Node checks every 30 s by default), and a connection silent for as long (one that never
    // sends a byte included) is closed: slow-loris clients are cut off. WebSockets are exempt
    // (ws clears the socket timeout on upgrade; their silence limit is TEMPMAIL_WS_IDLE_MS).
    requestTimeout: ctx.config.http.requestTimeoutMs,
    connectionTimeout: ctx.config.http.requestTimeoutMs,
    http: {
      requestTimeout: ctx.config.http.requestTimeoutMs,
      headersTimeout: ctx.config.http.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, ctx.config.http.requestTimeoutMs),
    },
  }) as unknown as FastifyInstance;
  // Connection limits (docs/limits.md): in total, and per client address (trusted proxies exempt).
  if (ctx.config.http.maxConnections > 0) app.server.maxConnections = ctx.config.http.maxConnections;
  capConnectionsPerIp(app.server, ctx.config.http.maxConnectionsPerIp, cidrMatcher(ctx.config.trustProxy));
  await app.register(formbody, { bodyLimit: ctx.config.http.bodyLimitBytes });
  installErrorHandling(app);
  await registerOpenApi(app, { version: options.version ?? '0.0.0' });

  app.addHook('onRequest', async (request, reply) => {
    const q = request.url.indexOf('?');
    if (q !== -1 && request.url.length - q > ctx.config.http.maxQueryBytes) {
      reply.code(414).send({ error: { code: 'uri_too_long', message: 'Query string too long.' } });
      return reply;
    }
    reply.header('X-Request-Id', request.id);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (request.url.startsWith('/v1/')) {
      // Keyed: a page cannot use it without the key, so any site may (no cookies are involved).
      reply.header('Cache-Control', 'no-store');
      reply.header('Access-Control-Allow-Origin', '*');
    } else if (request.url.startsWith('/api/')) {
      // Anonymous: other sites' pages would spend their visitors' per-address caps. Only the
      // service's own origin and TEMPMAIL_ALLOWED_ORIGINS may call it from a browser.
      reply.header('Cache-Control', 'no-store');
      reply.header('Vary', 'Origin');
      if (ctx.origins.refuses(request.headers)) throw new AppError('forbidden', 'This origin may not use the anonymous API; see TEMPMAIL_ALLOWED_ORIGINS.');
      const allow = ctx.origins.corsOrigin(request.headers);
      if (allow) reply.header('Access-Control-Allow-Origin', allow);
    }
    return undefined;
  });

  registerHealthRoutes(app, ctx);
  registerAnonymousRoutes(app, ctx);
  registerKeyedRoutes(app, ctx);
  for (const register of options.extraRoutes ?? []) register(app, ctx);

  if (options.webRoot && existsSync(options.webRoot)) {
    await app.register(fastifyStatic, {
      root: options.webRoot,
      wildcard: false,
      // The build writes .br and .gz beside each text file (apps/web/vite.config.ts); the one the
      // client accepts is sent, with Vary: Accept-Encoding.
      preCompressed: true,
      // Cache-Control is set below: a year and immutable for content-hashed names, else revalidated.
      cacheControl: false,
      setHeaders: (res, filePath) => {
        res.setHeader('Content-Security-Policy', PAGE_CSP);
        res.setHeader('X-Frame-Options', 'DENY');
        res.setHeader('Vary', 'Accept-Encoding'); // @fastify/static picks .br/.gz by it, and does not say so
        res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    // Pages under /docs/ link relatively: /docs must become /docs/.
    app.get('/docs', async (request, reply) => reply.redirect('/docs/', 301));
  } else {
    app.get('/', async (request, reply) => {
      reply.type('text/plain').send('TempMail is running. The web page is not built (run `npm run build`); the API is at /api and /v1.');
    });
  }
  return app;
}
