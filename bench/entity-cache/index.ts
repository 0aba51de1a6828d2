// What the entity cache's in-process tier really costs: fills a cache bounded at ENTITY_CACHE_MAX_BYTES (64 MiB
// by default) with answers of a few sizes and prints the heap and RSS growth next to the bound it estimates.
// Run with `npm run bench:entity-cache` (it needs --expose-gc, which the script passes); `--write-docs` writes
// the table into its section of docs/benchmarks.md.
import { parseArgs } from "node:util";
import { entryKey } from "../../gateway/entity-cache/keys.ts";
import { ByteLru } from "../../gateway/entity-cache/lru.ts";
import { markdownTable, writeDocSection } from "../doc-section.ts";

const MAX_BYTES = Number(process.env.ENTITY_CACHE_MAX_BYTES ?? 64 * 1024 * 1024);
const SIZES = [120, 1024, 8192];
const QUERY =
  "query($representations:[_Any!]!){_entities(representations:$representations){...on Product{name priceCents}}}";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (npm run bench:entity-cache does)");
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const { values: args } = parseArgs({ options: { "write-docs": { type: "boolean", default: false } } });
const rows: string[][] = [];
for (const size of SIZES) {
  gc();
  gc();
  const before = process.memoryUsage();
  const lru = new ByteLru({ maxBytes: MAX_BYTES });
  // Twice what fits, so the cache is full and has evicted.
  let evicting = 0;
  for (let i = 0; lru.size === 0 || evicting < lru.size; i++) {
    const id = crypto.randomUUID();
    const value = JSON.stringify({
      __typename: "Product",
      id,
      name: "x".repeat(Math.max(0, size - 80)),
      priceCents: i,
    });
    const key = entryKey({
      subgraph: "catalog",
      visibility: "roles:CUSTOMER",
      query: QUERY,
      variables: "{}",
      representation: JSON.stringify({ __typename: "Product", id }),
    });
    const now = Date.now();
    const before = lru.size;
    lru.set(key, { value, tags: [`Product:${id}`], expiresAt: now + 300_000, fetchedAt: now });
    if (lru.size === before) evicting++;
  }
  gc();
  gc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  rows.push([
    `${size} B`,
    lru.size.toLocaleString("en-US"),
    mib(lru.bytes),
    mib(heap),
    (heap / lru.bytes).toFixed(2),
    mib(after.rss - before.rss),
  ]);
  lru.clear();
}
const table = markdownTable(
  ["answer size", "entries", "estimated MiB", "heap growth MiB", "heap / estimate", "RSS growth MiB"],
  rows,
);
console.log(table);
if (args["write-docs"]) {
  writeDocSection(
    "entity-cache",
    `Run of ${new Date().toISOString()}, Node ${process.version}, a ${mib(MAX_BYTES)} MiB bound filled past full.\n\n${table}`,
  );
}
