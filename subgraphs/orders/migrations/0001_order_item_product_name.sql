ALTER TABLE "order_items" ADD COLUMN "product_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Lines placed before this column existed take the name orders' price copy still holds, when it has one.
UPDATE "order_items" SET "product_name" = "product_prices"."name" FROM "product_prices" WHERE "product_prices"."product_id" = "order_items"."product_id" AND NOT "product_prices"."deleted";
