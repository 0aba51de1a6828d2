// catalog: products, their prices and categories.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { type CatalogLoaders, catalogLoaders } from "./loaders.ts";
import { type CatalogRepository, createCatalogRepository } from "./repositories/products.ts";
import { catalogResolvers } from "./resolvers.ts";

export const catalog: SubgraphModule<CatalogRepository, CatalogLoaders> = {
  name: "catalog",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow) => createCatalogRepository(uow),
  createLoaders: catalogLoaders,
  createResolvers: catalogResolvers,
};

export default catalog;
