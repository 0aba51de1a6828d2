import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { foldSql, foldText } from "./search-fold.ts";

describe("search folding", () => {
  const client = new PGlite();
  const db = drizzle(client);
  afterAll(() => client.close());

  const samples = ["Crème brûlée", "CREME", "ｃａｆé", "Ｂｅａｎｓ ﬁne", "Ærø", "naïve Zürich"];

  it("folds accents, case and width in TypeScript", () => {
    expect(foldText("Crème Brûlée")).toBe("creme brulee");
    expect(foldText("ＣＲＥＭＥ")).toBe("creme");
    expect(foldText("ﬁne")).toBe("fine");
  });

  it("folds the same way in SQL as in TypeScript", async () => {
    for (const sample of samples) {
      const { rows } = await db.execute<{ folded: string }>(
        sql`select ${foldSql(sql`${sample}::text`)} as folded`,
      );
      expect(rows[0]?.folded).toBe(foldText(sample));
    }
  });
});
