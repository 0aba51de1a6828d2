-- Search folds accents, case and width (subgraphs/kit/search-fold.ts): recompute the stored vectors the same way.
UPDATE "articles" SET "search" =
  setweight(to_tsvector('english', lower(regexp_replace(normalize("title", NFKD), '[\u0300-\u036f]', '', 'g'))), 'A')
  || setweight(to_tsvector('english', lower(regexp_replace(normalize(array_to_string("tags", ' '), NFKD), '[\u0300-\u036f]', '', 'g'))), 'B')
  || setweight(to_tsvector('english', lower(regexp_replace(normalize("content", NFKD), '[\u0300-\u036f]', '', 'g'))), 'C');
