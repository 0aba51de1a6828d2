// Compiles the TypeScript entry points `npm start` launches into plain JavaScript bundles, reused while no
// source changed. Under tsx every process transforms and resolves hundreds of modules on its own; a bundle
// loads in a fraction of that.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, version as esbuildVersion, type Plugin, stop as stopEsbuild } from "esbuild";

export interface CompileOptions {
  /** Repository root: entry paths and the recorded inputs are relative to it. */
  root: string;
  /** Output name (without extension) → entry file relative to root, e.g. { gateway: "gateway/index.ts" }. */
  entries: Record<string, string>;
  /** Where bundles and their manifest live. */
  cacheDir: string;
}

export interface Compiled {
  /** Output name → absolute path of its `.mjs` bundle. */
  bundles: Record<string, string>;
  /** False when an earlier build of the same sources was reused. */
  built: boolean;
}

interface Manifest {
  esbuild: string;
  entries: Record<string, string>;
  /** Every source file the bundles were built from (relative to root) → sha256 of its content. */
  inputs: Record<string, string>;
  /** Directory (inside cacheDir) holding the bundles. */
  outDir: string;
}

const MANIFEST = "manifest.json";
const KEEP_PREVIOUS_BUILDS = 1;

/**
 * Dependencies loaded from node_modules rather than bundled: PGlite and pino's transports find files beside
 * their own modules (the WebAssembly build, worker scripts), graphql must stay a single copy shared with
 * gateway/graphql-runtime.ts, which loads it with require(), and GraphiQL's prebuilt files (9 MB of strings)
 * are read only when someone opens the explorer, not by every gateway start.
 */
const EXTERNAL = [
  "@electric-sql/pglite",
  "pino",
  "pino-pretty",
  "thread-stream",
  "graphql",
  "@graphql-yoga/render-graphiql",
];

const sha256 = (content: string | Buffer) => createHash("sha256").update(content).digest("hex");

/** The bundles for `entries`, built now only when a source file, an entry or esbuild itself changed. */
export async function compileEntries(options: CompileOptions): Promise<Compiled> {
  const cached = reusable(options);
  if (cached) return { bundles: bundlePaths(options, cached.outDir), built: false };

  // A private directory per build, renamed into place, so two starts never read each other's half-written files.
  const outDir = `build-${process.pid}-${Date.now()}`;
  const staging = join(options.cacheDir, `${outDir}.partial`);
  let result: Awaited<ReturnType<typeof build<{ metafile: true }>>>;
  try {
    result = await build({
      absWorkingDir: options.root,
      entryPoints: Object.entries(options.entries).map(([out, entry]) => ({ in: entry, out })),
      outdir: staging,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      // Dependencies are bundled too: resolving and reading hundreds of files from node_modules cost each
      // process about as much as the TypeScript transform did. EXTERNAL lists the ones that must stay.
      external: EXTERNAL,
      // Bundled CommonJS dependencies call require() for the external ones.
      banner: {
        js: `import { createRequire as createRequireForBundle } from "node:module"; const require = createRequireForBundle(import.meta.url);`,
      },
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      plugins: [projectRootOutside()],
    });
  } finally {
    // esbuild keeps a service process alive for more builds; `npm start` makes no more.
    await stopEsbuild();
  }
  renameSync(staging, join(options.cacheDir, outDir));
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    inputs[input] = sha256(readFileSync(resolve(options.root, input)));
  }
  const manifest: Manifest = { esbuild: esbuildVersion, entries: options.entries, inputs, outDir };
  const partialManifest = join(options.cacheDir, `${MANIFEST}.${process.pid}.partial`);
  writeFileSync(partialManifest, JSON.stringify(manifest));
  renameSync(partialManifest, join(options.cacheDir, MANIFEST));
  removeOldBuilds(options.cacheDir, outDir);
  return { bundles: bundlePaths(options, outDir), built: true };
}

/**
 * Keeps this build and the one before it: a start still running from the previous build may fork a
 * crashed part from it again. Anything older only takes space.
 */
function removeOldBuilds(cacheDir: string, current: string): void {
  const builds = readdirSync(cacheDir)
    .filter((name) => name.startsWith("build-") && !name.endsWith(".partial") && name !== current)
    .map((name) => ({ name, mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_PREVIOUS_BUILDS)) {
    rmSync(join(cacheDir, old.name), { recursive: true, force: true });
  }
}

function bundlePaths(options: CompileOptions, outDir: string): Record<string, string> {
  return Object.fromEntries(
    Object.keys(options.entries).map((name) => [name, join(options.cacheDir, outDir, `${name}.mjs`)]),
  );
}

function readManifest(cacheDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(cacheDir, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** The previous build when it came from exactly these entries, this esbuild and these file contents. */
function reusable(options: CompileOptions): Manifest | undefined {
  mkdirSync(options.cacheDir, { recursive: true });
  const manifest = readManifest(options.cacheDir);
  if (!manifest || manifest.esbuild !== esbuildVersion) return undefined;
  if (JSON.stringify(manifest.entries) !== JSON.stringify(options.entries)) return undefined;
  const bundles = Object.values(bundlePaths(options, manifest.outDir));
  if (!bundles.every((bundle) => existsSync(bundle))) return undefined;
  for (const [input, hash] of Object.entries(manifest.inputs)) {
    const path = resolve(options.root, input);
    if (!existsSync(path) || sha256(readFileSync(path)) !== hash) return undefined;
  }
  return manifest;
}

/**
 * Bundling moves every module into one file, so a module cannot find files beside itself through its own
 * `import.meta.url`. The code asks platform/project-root.js instead, which stays outside the bundle: the
 * bundle imports that very file, whose location names the repository's root.
 */
function projectRootOutside(): Plugin {
  return {
    name: "project-root-outside",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /\/project-root\.js$/ }, (args) => ({
        path: pathToFileURL(resolve(args.resolveDir, args.path)).href,
        external: true,
      }));
    },
  };
}
