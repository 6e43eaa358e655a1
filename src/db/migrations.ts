import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Dialect } from "./connect.js";
import { accountsReposLfs } from "./migrations/0001-accounts-repos-lfs.js";
import { repoMetadata } from "./migrations/0002-repo-metadata.js";
import { repoListing } from "./migrations/0003-repo-listing.js";
import { modelMetadata } from "./migrations/0004-model-metadata.js";
import { searchStatsMigration } from "./migrations/0005-search-stats.js";
import { orgsTokensAudit } from "./migrations/0006-orgs-tokens-audit.js";
import { accessRequests } from "./migrations/0007-access-requests.js";
import { webSessionsMigration } from "./migrations/0008-web-sessions.js";

/**
 * Schema migrations, one file each in `migrations/`, run in name order. Each
 * runs on SQLite and PostgreSQL; a released migration never changes, a new
 * schema change is a new file.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_accounts_repos_lfs": accountsReposLfs(dialect),
    "0002_repo_metadata": repoMetadata(dialect),
    "0003_repo_listing": repoListing(dialect),
    "0004_model_metadata": modelMetadata(dialect),
    "0005_search_stats": searchStatsMigration(dialect),
    "0006_orgs_tokens_audit": orgsTokensAudit(dialect),
    "0007_access_requests": accessRequests(dialect),
    "0008_web_sessions": webSessionsMigration(dialect),
  };
}

/** Brings the schema up to date; safe to run from several processes at once on PostgreSQL. */
export async function migrateToLatest(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${(error as Error)?.message ?? error}`);
  }
  if (dialect === "sqlite") await sql`PRAGMA optimize`.execute(db);
}
