/**
 * `/`: a search box, then trending and recently updated models and datasets
 * (the listing API sorted by `trendingScore` and `lastModified`).
 */
import { type FormEvent, useState } from "react";
import { plural, type RepoType } from "../../api";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBox } from "../../components/ErrorBox";
import { Spinner } from "../../components/Spinner";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { useApi, useTitle } from "../../use-api";
import { RepoCard } from "../listing/RepoCard";
import type { RepoSummary } from "../repo/types";
import "../listing/listing.css";

const shown = 6;

export function HomePage() {
  useTitle(undefined);
  const session = useSession();
  const [text, setText] = useState("");
  const [kind, setKind] = useState<RepoType>("model");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = text.trim();
    navigate(`/${plural[kind]}${query ? `?search=${encodeURIComponent(query)}` : ""}`);
  };
  return (
    <div className="container">
      <section className="home-hero" aria-labelledby="home-title">
        <h1 id="home-title">Models, datasets and spaces on your own hub</h1>
        <p className="muted">
          Git and LFS repos with the Hugging Face Hub API: push with <code>huggingface_hub</code>, <code>@huggingface/hub</code> or <code>git</code>, and call GGUF
          models through the OpenAI API.
        </p>
        <form className="home-search" role="search" onSubmit={submit}>
          <label htmlFor="home-search-kind" className="visually-hidden">
            What to search
          </label>
          <select id="home-search-kind" className="select" value={kind} onChange={(e) => setKind(e.target.value as RepoType)}>
            <option value="model">Models</option>
            <option value="dataset">Datasets</option>
            <option value="space">Spaces</option>
          </select>
          <label htmlFor="home-search" className="visually-hidden">
            Search {plural[kind]}
          </label>
          <input id="home-search" className="input" type="search" placeholder={`Search ${plural[kind]}…`} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </form>
        {session.user && (
          <p className="home-actions">
            <Link to="/new" className="btn">
              + New repository
            </Link>
          </p>
        )}
      </section>
      <div className="home-sections">
        <RepoSection type="model" sort="trendingScore" title="Trending models" />
        <RepoSection type="model" sort="lastModified" title="Recently updated models" />
        <RepoSection type="dataset" sort="trendingScore" title="Trending datasets" />
        <RepoSection type="dataset" sort="lastModified" title="Recently updated datasets" />
      </div>
    </div>
  );
}

function RepoSection({ type, sort, title }: { type: RepoType; sort: "trendingScore" | "lastModified"; title: string }) {
  const list = useApi<RepoSummary[]>(`/api/${plural[type]}?sort=${sort}&direction=-1&limit=${shown}`);
  const id = `home-${type}-${sort}`;
  const more = `/${plural[type]}${sort === "lastModified" ? "?sort=modified" : ""}`;
  return (
    <section className="home-section" aria-labelledby={id}>
      <h2 id={id}>
        {title}
        <Link to={more}>See all {plural[type]} →</Link>
      </h2>
      {list.loading && <Spinner />}
      {list.error && <ErrorBox error={list.error} title={`Could not load ${plural[type]}`} onRetry={list.reload} />}
      {list.data && list.data.length === 0 && (
        <EmptyState title={`No ${plural[type]} yet`}>
          {type === "model" ? "Push one with git, huggingface_hub or the upload page." : "Datasets you publish show up here."}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <ul className="repo-list">
          {list.data.map((repo) => (
            <RepoCard key={repo.id} repo={repo} type={type} />
          ))}
        </ul>
      )}
    </section>
  );
}
