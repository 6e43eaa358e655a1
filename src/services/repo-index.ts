import type { Db } from "../db/connect.js";
import { replaceRepoTags } from "../db/queries/repo-list.js";
import { updateRepoMetadata } from "../db/queries/repos.js";
import type { CatFilePool } from "../lib/git/cat-file.js";
import { cardString, cardTags, maxCardBytes, parseCard } from "../lib/model-card.js";
import { searchTerms } from "../lib/search-terms.js";
import type { Repo } from "./repos.js";

/**
 * Keeps what the database knows about a repo (head sha, card metadata, tags,
 * last-modified time) in step with its default branch. Runs after every push
 * and API commit; a malformed card is recorded on the repo, never thrown.
 */
export class RepoIndexer {
  constructor(
    private readonly db: Db,
    private readonly catFiles: CatFilePool,
  ) {}

  async refresh(repo: Repo): Promise<void> {
    const git = this.catFiles.get(repo.dir);
    const head = await git.info("HEAD^{commit}");
    if (!head) return;
    const readme = await git.info(`${head.oid}:README.md`);
    let card: ReturnType<typeof parseCard> = { data: {} };
    if (readme?.type === "blob") {
      const blob = readme.size <= maxCardBytes ? await git.contents(readme.oid) : undefined;
      card = blob ? parseCard(blob.content.toString("utf8")) : { data: {}, error: "README.md is too large to read its metadata" };
    }
    const metadata = {
      sha: head.oid,
      cardData: card.data,
      tags: cardTags(card.data),
      pipelineTag: cardString(card.data, "pipeline_tag"),
      libraryName: cardString(card.data, "library_name"),
      cardError: card.error ?? null,
    };
    // The row and its filter terms change together, so a listing never sees one without the other.
    await this.db.kysely.transaction().execute(async (tx) => {
      const inTx: Db = { ...this.db, kysely: tx };
      await updateRepoMetadata(inTx, repo.row.id, metadata);
      await replaceRepoTags(inTx, repo.row.id, searchTerms(metadata));
    });
  }
}
