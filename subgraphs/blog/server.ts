// blog: articles, from draft to publication and archive, with full-text search.
import { fileURLToPath } from "node:url";
import type { SubgraphModule } from "../kit/module.ts";
import { type BlogLoaders, blogLoaders } from "./loaders.ts";
import { type BlogRepository, createBlogRepository } from "./repositories/index.ts";
import { blogResolvers } from "./resolvers.ts";

export const blog: SubgraphModule<BlogRepository, BlogLoaders> = {
  name: "blog",
  migrationsFolder: fileURLToPath(new URL("./migrations", import.meta.url)),
  createRepository: (uow) => createBlogRepository(uow),
  createLoaders: blogLoaders,
  createResolvers: blogResolvers,
};

export default blog;
