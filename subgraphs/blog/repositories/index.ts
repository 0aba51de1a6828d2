// blog's data access: reads (queries.ts) and writes with their events (commands.ts) over its own database.
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { articleQueries } from "./article-reads.ts";
import { articleCommands } from "./articles.ts";

export function createBlogRepository(uow: UnitOfWork) {
  return { ...articleQueries(uow.db), ...articleCommands(uow) };
}

export type BlogRepository = ReturnType<typeof createBlogRepository>;
