import type { Db } from "../db/connect.js";
import { searchIndexFor } from "../db/search/search-index.js";
import { cardProse, documentText, repoDocumentParts } from "../lib/search-text.js";
import type { Repo } from "./repos.js";

/**
 * Rebuilds a repo's full-text document from its id, card metadata, tags and
 * README prose (capped by `documentText`). Called by `RepoIndexer.refresh`
 * inside its transaction, so the document changes with the row.
 */
export async function refreshSearchDocument(
  db: Db,
  repo: Repo,
  indexed: { cardData: Record<string, unknown>; tags: string[] },
  readme: string,
): Promise<void> {
  const text = documentText(repoDocumentParts({ id: repo.id, cardData: indexed.cardData, tags: indexed.tags, prose: cardProse(readme) }));
  await searchIndexFor(db.dialect).put(db, repo.row.id, text);
}
