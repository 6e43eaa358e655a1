import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Db, Dialect } from "../connect.js";

/**
 * Search over repos, behind one interface for both databases (DESIGN.md
 * "search"): full text through SQLite's FTS5 and PostgreSQL's `tsvector`, and
 * id substrings through trigram indexes (an FTS5 `trigram` table; `pg_trgm`).
 * Documents and queries arrive already split into words
 * (`lib/search-text.ts`), so neither engine's own word splitting matters,
 * Chinese and Japanese included.
 */
export interface SearchIndex {
  /** Stores the document of a repo (space-separated words), replacing any previous one. */
  put(db: Db, repoId: number, document: string): Promise<void>;
  /** Stores many documents at once, for repos that have none yet (bulk loads: migrations, benchmarks). */
  insertMany(db: Db, docs: { repoId: number; document: string }[]): Promise<void>;
  /** Removes the document of a repo; nothing happens when it has none. */
  remove(db: Db, repoId: number): Promise<void>;
  /**
   * A condition on `repos` for a listing query: the repo matches `term`, i.e.
   * its id (`namespace/name`) contains `term.text` case-insensitively, or its
   * document has every one of `term.words`. Runs inside the listing's own
   * query, so filters, visibility and keyset pagination apply as usual.
   */
  matches(term: SearchTerm): RawBuilder<SqlBool>;
  /**
   * The ids of the repos (of any type and visibility) that match `term`, when
   * there are at most `max` of them; `undefined` when there are more. A
   * listing uses a short list to start from those repos instead of walking
   * the whole sort order looking for them.
   */
  candidates(db: Db, term: SearchTerm, max: number): Promise<number[] | undefined>;
}

export interface SearchTerm {
  /** The term as typed: matched as a substring of repo ids. */
  text: string;
  /** Its words (`queryWords`): all must be in the document; none means ids only. */
  words: string[];
}

/** `LIKE` pattern for a literal substring, with `!` as the escape character. */
function containsPattern(s: string): string {
  return `%${s.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** Trigram indexes serve substrings of at least this many characters. */
const trigram = 3;

/**
 * SQLite: two FTS5 tables whose rowid is the repo id. `repo_search`
 * (`unicode61`, which splits on the spaces we put there) holds documents;
 * `repo_ids` (`trigram`) holds ids, kept by triggers on `repos`, which also
 * remove a deleted repo's document.
 */
export const sqliteSearchIndex: SearchIndex = {
  async put(db, repoId, document) {
    await sql`delete from repo_search where rowid = ${repoId}`.execute(db.kysely);
    if (document !== "") await sql`insert into repo_search (rowid, body) values (${repoId}, ${document})`.execute(db.kysely);
  },
  async insertMany(db, docs) {
    const rows = docs.filter((d) => d.document !== "");
    // 2 parameters a row, far below SQLite's limit of 32766 per statement.
    for (let i = 0; i < rows.length; i += 5000) {
      const values = sql.join(rows.slice(i, i + 5000).map((d) => sql`(${d.repoId}, ${d.document})`));
      await sql`insert into repo_search (rowid, body) values ${values}`.execute(db.kysely);
    }
  },
  async remove(db, repoId) {
    await sql`delete from repo_search where rowid = ${repoId}`.execute(db.kysely);
  },
  matches(term) {
    // A listing uses `matches` for common terms, found soonest by walking its sort order: the id is checked
    // on each row as it comes, the documents' list read once. The unary `+` keeps SQLite from starting
    // at that list instead (and then sorting every match).
    const inId = sql<SqlBool>`${rowIdExpr} like ${containsPattern(term.text)} escape '!'`;
    if (term.words.length === 0) return inId;
    return sql<SqlBool>`(${inId} or +${sql.ref("repos.id")} in (select rowid from repo_search where repo_search match ${ftsQuery(term.words)}))`;
  },
  async candidates(db, term, max) {
    const byWords = async (limit: number) =>
      term.words.length === 0
        ? []
        : (await sql<{ id: number }>`select rowid as id from repo_search where repo_search match ${ftsQuery(term.words)} limit ${limit}`.execute(db.kysely)).rows;
    // Long enough for the trigram index: its ids are a cheap index read.
    const byId = async (limit: number) =>
      (
        [...term.text].length >= trigram
          ? await sql<{ id: number }>`select rowid as id from repo_ids where repo_ids match ${ftsQuery([term.text])} limit ${limit}`.execute(db.kysely)
          : await sql<{ id: number }>`select rowid as id from repo_ids where id_text like ${containsPattern(term.text)} escape '!' limit ${limit}`.execute(db.kysely)
      ).rows;
    return boundedUnion(byWords, byId, max);
  },
};

/** Each word a quoted FTS5 string (`"` doubled inside), all required: no word is ever read as query syntax. */
function ftsQuery(words: string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(" ");
}

/** A repo's id as matched by `search`, read from the row itself. */
const rowIdExpr = sql`lower(${sql.ref("repos.namespace")} || '/' || ${sql.ref("repos.name")})`;

/**
 * The ids both lookups give, when at most `max`. The word lookup goes first:
 * a common word ends it before the id lookup, which for a term too short for
 * a trigram index is a scan of every id.
 */
async function boundedUnion(
  byWords: (limit: number) => Promise<{ id: number }[]>,
  byId: (limit: number) => Promise<{ id: number }[]>,
  max: number,
): Promise<number[] | undefined> {
  const words = await byWords(max + 1);
  if (words.length > max) return undefined;
  const ids = new Set(words.map((r) => r.id));
  for (const r of await byId(max + 1)) ids.add(r.id);
  return ids.size > max ? undefined : [...ids];
}

/**
 * PostgreSQL: a `tsvector` per repo under a GIN index. The vector is built
 * with `array_to_tsvector` and the query cast straight to `tsquery`, both of
 * which take words verbatim: no text search configuration, parser or locale
 * gets a say, so CJK words survive exactly as segmented. Id substrings are a
 * `LIKE` that the `pg_trgm` index on `lower(namespace || '/' || name)` serves
 * where the migration could install the extension.
 */
export const postgresSearchIndex: SearchIndex = {
  async put(db, repoId, document) {
    if (document === "") return this.remove(db, repoId);
    const lexemes = document.split(" ").filter((w) => w !== "");
    await sql`insert into repo_search (repo_id, document) values (${repoId}, array_to_tsvector(${lexemes}::text[]))
      on conflict (repo_id) do update set document = excluded.document`.execute(db.kysely);
  },
  async insertMany(db, docs) {
    const rows = docs.filter((d) => d.document !== "");
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      // Two array parameters per statement, unnested side by side; each document is split into its words in SQL.
      await sql`insert into repo_search (repo_id, document)
        select id, array_to_tsvector(string_to_array(doc, ' ')) from unnest(${chunk.map((d) => d.repoId)}::integer[], ${chunk.map((d) => d.document)}::text[]) as t(id, doc)`.execute(db.kysely);
    }
  },
  async remove(db, repoId) {
    await sql`delete from repo_search where repo_id = ${repoId}`.execute(db.kysely);
  },
  matches(term) {
    // strpos, not LIKE: the planner estimates a LIKE from the trigram index's statistics, and a sample
    // that happens to hold few matches makes it scan and sort the whole table instead of walking the
    // sort order (a common term, the only kind `matches` is used for, fills the page at once that way).
    const inId = sql<SqlBool>`strpos(${rowIdExpr}, ${term.text.toLowerCase()}) > 0`;
    if (term.words.length === 0) return inId;
    // A scalar subquery, so it is checked row by row (a primary-key probe) while the listing walks its
    // sort order: an EXISTS under OR would be planned as one pass over every matching document.
    return sql<SqlBool>`(${inId} or (select s.document from repo_search s where s.repo_id = ${sql.ref("repos.id")}) @@ ${tsQuery(term.words)}::tsquery)`;
  },
  async candidates(db, term, max) {
    const byWords = async (limit: number) =>
      term.words.length === 0
        ? []
        : (await sql<{ id: number }>`select repo_id as id from repo_search where document @@ ${tsQuery(term.words)}::tsquery limit ${limit}`.execute(db.kysely))
            .rows;
    const byId = async (limit: number) =>
      (await sql<{ id: number }>`select id from repos where ${pgIdExpr} like ${containsPattern(term.text)} escape '!' limit ${limit}`.execute(db.kysely)).rows;
    return boundedUnion(byWords, byId, max);
  },
};

/** The expression the trigram index of the migration is built on; queries must spell it the same. */
const pgIdExpr = sql`lower(${sql.ref("namespace")} || '/' || ${sql.ref("name")})`;

/** tsquery input syntax: each lexeme single-quoted, `'` doubled and `\` escaped, joined by AND. */
function tsQuery(words: string[]): string {
  return words.map((w) => `'${w.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`).join(" & ");
}

/** The search index of a database. */
export function searchIndexFor(dialect: Dialect): SearchIndex {
  return dialect === "postgres" ? postgresSearchIndex : sqliteSearchIndex;
}
