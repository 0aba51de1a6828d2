// A dependency's object seen with some of its members replaced, the object itself left as published: how the
// kit adds behaviour around the database clients it hands drizzle, through their public methods only.

/**
 * `target` with `overrides` in place of the members they name. Every other member is the target's own: its
 * methods run on the target itself (PGlite keeps its state in private slots a proxy does not have), and a
 * method that answers the target answers the view instead, so a chained call (`query.values()`) stays on it.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  const view: T = new Proxy(target, {
    get(object, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value, object, args);
        return result === object ? view : result;
      };
    },
  });
  return view;
}
