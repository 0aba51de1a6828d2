// A CommonJS exports object with its re-export getters swapped for the values they return (why: apollo-exports.ts).
// Side-effect free: the gateway applies it at run time, npm start's bundles at the end of the package's index.

/** The exports object with every accessor replaced by the value it returns now. */
export function withPlainValues(exports: object): object {
  const descriptors = Object.getOwnPropertyDescriptors(exports);
  for (const [key, descriptor] of Object.entries(descriptors)) {
    if (!descriptor.get) continue;
    descriptors[key] = {
      value: (exports as Record<string, unknown>)[key],
      enumerable: descriptor.enumerable ?? false,
      writable: false,
      configurable: false,
    };
  }
  return Object.defineProperties({}, descriptors);
}
