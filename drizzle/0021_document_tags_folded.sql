-- Document tags are compared folded: Unicode NFC and lower case (src/knowledge/tags.ts), so "SEO"
-- and "seo", or "café" typed with a combining accent, are one tag and a search finds them either
-- way. Tags stored before are folded the same, duplicates dropped in their first order.
UPDATE "documents" SET "tags" = ARRAY(
  SELECT folded FROM (
    SELECT lower(normalize(t, NFC)) AS folded, min(ord) AS first
    FROM unnest("tags") WITH ORDINALITY AS u(t, ord)
    GROUP BY 1
  ) f ORDER BY first
) WHERE "tags" IS NOT NULL AND cardinality("tags") > 0;
