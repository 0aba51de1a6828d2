// The repository's root directory, for the files the code reads at run time (SQL migrations, SDL, the REST
// operations, package.json). Plain JavaScript on purpose: npm start's bundles leave this one module outside
// (scripts/start/compile.ts) and import this very file, so its own location still names the root.
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
