CREATE TABLE "product_names" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source_time" timestamp (3) with time zone NOT NULL
);
