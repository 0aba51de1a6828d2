ALTER TABLE "order_items" ADD COLUMN "product_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Lines placed before this column existed take the name orders' price copy still holds (a deleted product's
-- tombstone keeps the name it had, unless the deletion was the first event orders heard of it).
UPDATE "order_items" SET "product_name" = "product_prices"."name" FROM "product_prices" WHERE "product_prices"."product_id" = "order_items"."product_id";
