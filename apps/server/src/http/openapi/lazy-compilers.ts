/**
 * Fastify's own schema compilers (Ajv for input, fast-json-stringify for answers), each route's
 * compiled on its first request instead of at start-up: thirty routes' schemas cost a few
 * hundred ms of CPU to compile, which start-up (and /readyz) need not wait for.
 */
import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Compiler<F> = (route: unknown) => F;
type Factory<F> = (...args: never[]) => Compiler<F>;
type Validator = ((data: unknown) => unknown) & { errors?: unknown };

/** Wraps a validator-compiler factory: the route's validator is compiled when first called. */
function lazyValidators(factory: Factory<Validator>): Factory<Validator> {
  return (...args) => {
    const compile = factory(...args);
    return (route) => {
      let compiled: Validator | null = null;
      const validate: Validator = (data) => {
        compiled ??= compile(route);
        const result = compiled(data);
        validate.errors = compiled.errors; // Fastify reads the errors from the function it was given
        return result;
      };
      return validate;
    };
  };
}

/** Wraps a serializer-compiler factory: the route's serializer is compiled when first used. */
function lazySerializers(factory: Factory<(data: unknown) => string>): Factory<(data: unknown) => string> {
  return (...args) => {
    const compile = factory(...args);
    return (route) => {
      let compiled: ((data: unknown) => string) | null = null;
      return (data) => (compiled ??= compile(route))(data);
    };
  };
}

/** The `schemaController` option of Fastify with the lazy compilers. */
export function lazySchemaController() {
  return {
    compilersFactory: {
      buildValidator: lazyValidators(ValidatorSelector() as unknown as Factory<Validator>),
      buildSerializer: lazySerializers(SerializerSelector() as unknown as Factory<(data: unknown) => string>),
    },
  };
}
