// catalog's data access: products in its own database, each change with its event in one transaction.
import { and, count, desc, eq, isNull, like, or, type SQL, sql } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import { foldSql, foldText } from "../../kit/search-fold.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import type { PageArgs } from "../../kit/validation.ts";
import { type ProductRow, products } from "../db/schema.ts";

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

/**
 * `%` and `_` typed by a user are literal characters, not wildcards. Folded before escaping, so a full-width
 * `％` (which folds to `%`) is escaped too.
 */
function likePattern(search: string): string {
  return `%${foldText(search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Listings, search and new orders see only products for sale; a discontinued one stays resolvable by id. */
const forSale = isNull(products.discontinuedAt);

export function createProductsRepository({ db, transact }: UnitOfWork) {
  function where(filter: ProductFilter): SQL | undefined {
    const conditions: SQL[] = [forSale];
    if (filter.category) conditions.push(eq(products.category, filter.category));
    if (filter.search) {
      const pattern = likePattern(filter.search);
      conditions.push(
        or(like(foldSql(products.name), pattern), like(foldSql(products.description), pattern))!,
      );
    }
    return conditions.length > 1 ? and(...conditions) : undefined;
  }

  // Built once: the gateway's entity fetches and the unfiltered products page run these on every request, and
  // drizzle building them anew each time shows in the products page's CPU profile. `= any($1)` takes any
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
    .where(forSale)
    .orderBy(...newestFirst)
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"))
    .prepare("catalog_products_page");
  const total = db.select({ value: count() }).from(products).where(forSale).prepare("catalog_products_count");

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
          .where(and(eq(products.id, id), forSale))
          .returning();
        if (!row) return null;
        await publish({ topic: Topics.ProductUpdated, key: row.id, payload: productEvent(row) });
        return row;
      });
    },

    /**
     * Takes a product off sale for good. The row stays: orders, reservations and events name it, and catalog
     * cannot know which do, so a product is never erased. Null when there is no product on sale by that id.
     */
    discontinue(id: string): Promise<ProductRow | null> {
      return transact(async (tx, publish) => {
        const now = new Date();
        const [row] = await tx
          .update(products)
          .set({ discontinuedAt: now, updatedAt: now })
          .where(and(eq(products.id, id), forSale))
          .returning();
        if (!row) return null;
        // "deleted" to every consumer: off sale from now on (orders refuses it, inventory stops selling it).
        await publish({
          topic: Topics.ProductDeleted,
          key: id,
          payload: { entity: { typename: "Product", id }, productId: id },
        });
        return row;
      });
    },

    async count(): Promise<number> {
      const [counted] = await total.execute();
      return counted?.value ?? 0;
    },
  };
}

export type ProductsRepository = ReturnType<typeof createProductsRepository>;
