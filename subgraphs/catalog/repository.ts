// catalog's data access: products in its own database, each change with its event in one transaction.
import { and, count, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { Topics } from "../../events/topics.ts";
import type { UnitOfWork } from "../kit/unit-of-work.ts";
import type { PageArgs } from "../kit/validation.ts";
import { type ProductRow, products } from "./db/schema.ts";

export interface NewProduct {
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  category: string;
}

export type ProductPatch = Partial<NewProduct>;

export interface ProductFilter {
  category?: string | null;
  search?: string | null;
}

function productEvent(p: ProductRow) {
  return {
    entity: { typename: "Product", id: p.id },
    productId: p.id,
    name: p.name,
    priceCents: p.priceCents,
    currency: p.currency,
    category: p.category,
  };
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createCatalogRepository({ db, transact }: UnitOfWork) {
  function where(filter: ProductFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (filter.category) conditions.push(eq(products.category, filter.category));
    if (filter.search) {
      const pattern = likePattern(filter.search);
      conditions.push(or(ilike(products.name, pattern), ilike(products.description, pattern))!);
    }
    return conditions.length > 0 ? and(...conditions) : undefined;
  }

  // Built once: the gateway's entity fetches and the unfiltered products page run these on every request, and
  // drizzle building them anew was 8% of the products page's CPU (docs/benchmarks.md). `= any($1)` takes any
  // number of ids.
  const byIds = db
    .select()
    .from(products)
    .where(sql`${products.id} = any(${sql.placeholder("ids")})`)
    .prepare("catalog_products_by_ids");
  const newestFirst = [desc(products.createdAt), desc(products.id)];
  const firstPage = db
    .select()
    .from(products)
    .orderBy(...newestFirst)
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"))
    .prepare("catalog_products_page");
  const total = db.select({ value: count() }).from(products).prepare("catalog_products_count");

  return {
    async findByIds(ids: readonly string[]): Promise<ProductRow[]> {
      if (ids.length === 0) return [];
      return byIds.execute({ ids: [...ids] });
    },

    async list(filter: ProductFilter, page: PageArgs): Promise<{ items: ProductRow[]; totalItems: number }> {
      const condition = where(filter);
      const [items, [counted]] = condition
        ? await Promise.all([
            db
              .select()
              .from(products)
              .where(condition)
              .orderBy(...newestFirst)
              .limit(page.perPage)
              .offset(page.offset),
            db.select({ value: count() }).from(products).where(condition),
          ])
        : await Promise.all([
            firstPage.execute({ limit: page.perPage, offset: page.offset }),
            total.execute(),
          ]);
      return { items, totalItems: counted?.value ?? 0 };
    },

    create(input: NewProduct): Promise<ProductRow> {
      return transact(async (tx, publish) => {
        const [row] = await tx.insert(products).values(input).returning();
        await publish({ topic: Topics.ProductCreated, key: row!.id, payload: productEvent(row!) });
        return row!;
      });
    },

    update(id: string, patch: ProductPatch): Promise<ProductRow | null> {
      return transact(async (tx, publish) => {
        const [row] = await tx
          .update(products)
          .set({ ...patch, updatedAt: new Date() })
          .where(eq(products.id, id))
          .returning();
        if (!row) return null;
        await publish({ topic: Topics.ProductUpdated, key: row.id, payload: productEvent(row) });
        return row;
      });
    },

    delete(id: string): Promise<boolean> {
      return transact(async (tx, publish) => {
        const [row] = await tx.delete(products).where(eq(products.id, id)).returning({ id: products.id });
        if (!row) return false;
        await publish({
          topic: Topics.ProductDeleted,
          key: id,
          payload: { entity: { typename: "Product", id }, productId: id },
        });
        return true;
      });
    },

    async count(): Promise<number> {
      const [counted] = await total.execute();
      return counted?.value ?? 0;
    },
  };
}

export type CatalogRepository = ReturnType<typeof createCatalogRepository>;
