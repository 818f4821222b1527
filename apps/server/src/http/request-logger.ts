/**
 * Request loggers made on first use (Fastify's `childLoggerFactory`). Fastify gives every request
 * a child of the http logger; a pino child is about 0.6 KB (bound level methods, formatters,
 * bindings), and a held wait.php request keeps its own for up to a minute although the http
 * logger (at warn) almost never writes. The stand-in here holds the parent and the binding
 * (the request id) and makes the real child the first time an enabled level is used, so a
 * line that is written carries the same `reqId` as before.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const satisfies readonly Level[];

type LogMethod = (...args: unknown[]) => void;

class LazyRequestLogger {
  private made: FastifyBaseLogger | null = null;

  /** The one binding (Fastify's `reqId`), kept as its name and value rather than an object. */
  constructor(private readonly parent: FastifyBaseLogger, private readonly label: string, private readonly id: unknown) {}

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  silent(): void {}

  /** The pino child, made once. */
  real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child({ [this.label]: this.id }));
  }

  enabled(level: Level): boolean {
    return this.made ? (this.made as unknown as Logger).isLevelEnabled(level) : (this.parent as unknown as Logger).isLevelEnabled(level);
  }
}

// One shared method per level on the prototype: nothing per request but the instance.
for (const level of LEVELS) {
  Object.defineProperty(LazyRequestLogger.prototype, level, {
    value: function log(this: LazyRequestLogger, ...args: unknown[]): void {
      if (this.enabled(level)) (this.real()[level] as LogMethod)(...args);
    },
  });
}

/**
 * Fastify's `childLoggerFactory`: a lazy child of `logger` with `bindings`. A route with its own
 * log level (`options.level`) gets a real child at once.
 */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const names = Object.keys(bindings);
  if (options.level !== undefined || options.serializers !== undefined || names.length !== 1) return logger.child(bindings, options);
  return new LazyRequestLogger(logger, names[0]!, bindings[names[0]!]) as unknown as FastifyBaseLogger;
}
