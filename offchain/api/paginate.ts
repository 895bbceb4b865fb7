import type { PageQuery } from "./apiSchemas.js";

/** One page of `all` (ascending) in the requested order, with the offset of the next page. */
export function paginate<T>(all: readonly T[], q: PageQuery) {
  const ordered = q.order === "desc" ? [...all].reverse() : all;
  const items = ordered.slice(q.offset, q.offset + q.limit);
  const next = q.offset + items.length;
  return {
    items,
    page: {
      offset: q.offset,
      limit: q.limit,
      total: all.length,
      nextOffset: next < all.length ? next : null,
    },
  };
}
