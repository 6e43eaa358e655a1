import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { Link, navigate, useRoute } from "../router";
import { useSession } from "../session";

/** The frame of every page: header (logo, search, sections, account) and footer. */
export function Layout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <span>Modelport</span>
        <span className="muted">Hugging Face Hub-compatible: use huggingface_hub, @huggingface/hub, git and git-lfs against this hub.</span>
      </footer>
    </div>
  );
}

function Header() {
  const route = useRoute();
  const section = route.pathname.split("/")[1];
  return (
    <header className="header">
      <div className="header-inner">
        <Link to="/" className="logo" aria-label="Modelport home">
          <span className="logo-mark" aria-hidden="true">
            M
          </span>
          <span className="logo-text">Modelport</span>
        </Link>
        <SearchBox />
        <nav className="nav" aria-label="Sections">
          <Link to="/models" className="nav-link" aria-current={section === "models" ? "page" : undefined}>
            Models
          </Link>
          <Link to="/datasets" className="nav-link" aria-current={section === "datasets" ? "page" : undefined}>
            Datasets
          </Link>
          <Link to="/spaces" className="nav-link" aria-current={section === "spaces" ? "page" : undefined}>
            Spaces
          </Link>
        </nav>
        <Account />
      </div>
    </header>
  );
}

/** Searches models by name; the listing keeps the query in its URL. */
function SearchBox() {
  const route = useRoute();
  const [text, setText] = useState("");
  useEffect(() => {
    if (route.pathname === "/models") setText(new URLSearchParams(route.search).get("search") ?? "");
  }, [route.pathname, route.search]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = text.trim();
    navigate(query ? `/models?search=${encodeURIComponent(query)}` : "/models");
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="site-search" className="visually-hidden">
        Search models
      </label>
      <input id="site-search" type="search" placeholder="Search models…" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
    </form>
  );
}

function Account() {
  const session = useSession();
  if (session.loading) return <div className="account" aria-hidden="true" />;
  if (!session.user) {
    return (
      <div className="account">
        <Link to="/login" className="btn btn-ghost">
          Sign in
        </Link>
        {session.allowSignup && (
          <Link to="/join" className="btn btn-primary">
            Sign up
          </Link>
        )}
      </div>
    );
  }
  return (
    <div className="account">
      <UserMenu name={session.user.name} fullname={session.user.fullname} />
    </div>
  );
}

function UserMenu({ name, fullname }: { name: string; fullname: string }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const signOut = async () => {
    setOpen(false);
    try {
      await session.signOut();
      navigate("/");
    } catch {
      // The hub could not be reached: the confirmation page shows why and retries.
      navigate("/logout");
    }
  };
  const ref = useRef<HTMLDivElement>(null);
  const route = useRoute();
  useEffect(() => setOpen(false), [route.pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        ref.current?.querySelector<HTMLButtonElement>("button")?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="avatar-button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`Account menu for ${name}`}>
        <Avatar name={name} />
      </button>
      {open && (
        <div className="menu-list">
          <div className="menu-head">
            <strong>{fullname || name}</strong>
            <span className="muted">@{name}</span>
          </div>
          <Link to={`/${encodeURIComponent(name)}`} className="menu-item">
            Profile
          </Link>
          <Link to="/new" className="menu-item">
            New repository
          </Link>
          <Link to="/settings/tokens" className="menu-item">
            Access tokens
          </Link>
          <Link to="/organizations/new" className="menu-item">
            New organization
          </Link>
          {session.user?.isAdmin && (
            <Link to="/admin/audit-log" className="menu-item">
              Audit log
            </Link>
          )}
          <button type="button" className="menu-item" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}

/** A round initial on a color derived from the name. */
export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.45, background: `hsl(${hash % 360} 55% 45%)` }} aria-hidden="true">
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}
