const SECRET_VARIABLES = Symbol('wxop:secret-variables');

type WithSecrets = { [SECRET_VARIABLES]?: Set<string> };

/** Marks a variable whose value must never appear in an error message or log. */
export function SecretVariable(): PropertyDecorator {
  return (target, property) => {
    const holder = target as WithSecrets;
    const inherited = holder[SECRET_VARIABLES];
    const own = new Set(inherited ?? []);
    own.add(String(property));
    holder[SECRET_VARIABLES] = own;
  };
}

export function isSecretVariable(schema: new () => object, name: string): boolean {
  return (schema.prototype as WithSecrets)[SECRET_VARIABLES]?.has(name) ?? false;
}
