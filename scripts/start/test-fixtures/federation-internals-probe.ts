// Bundled by compile.test.ts: prints, as JSON, how a bundle hands out @apollo/federation-internals.
import { createRequire } from "node:module";
import { federationInternals } from "../../../gateway/apollo-exports.ts";

// A literal require() is bundled: this is the bundled copy, the object @apollo/gateway's own require() gets.
const internals = require("@apollo/federation-internals") as Record<string, unknown>;
const descriptors = Object.values(Object.getOwnPropertyDescriptors(internals));
// Node's module cache: a copy loaded from node_modules beside the bundled one would show up here.
const nodeCache = Object.keys(createRequire(import.meta.url).cache);

console.log(
  JSON.stringify({
    federationInternals,
    exports: descriptors.length,
    getters: descriptors.filter((descriptor) => descriptor.get).length,
    buildSchema: typeof internals.buildSchema,
    loadedFromNodeModules: nodeCache.filter((file) => file.includes("federation-internals")).length,
  }),
);
