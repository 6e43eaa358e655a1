/**
 * The route table: which page each URL shows (URL shapes in routes.ts).
 * Pages live under pages/<area>/; home, listing and repo pages are the
 * browsing side, the rest accounts, settings, creation and upload.
 */
import { Suspense, lazy } from "react";
import { Layout } from "./components/Layout";
import { Spinner } from "./components/Spinner";
import { NotFound } from "./components/NotFound";
import { JoinPage } from "./pages/auth/JoinPage";
import { LoginPage } from "./pages/auth/LoginPage";
import { LogoutPage } from "./pages/auth/LogoutPage";
import { HomePage } from "./pages/home/HomePage";
import { ListingPage } from "./pages/listing/ListingPage";
import { NewRepoPage } from "./pages/new/NewRepoPage";
import { NewOrgPage } from "./pages/orgs/NewOrgPage";
import { ProfilePage } from "./pages/profile/ProfilePage";
import { RepoPage } from "./pages/repo/RepoPage";
import { TokensPage } from "./pages/settings/TokensPage";
import { UploadPage } from "./pages/upload/UploadPage";
import { useRoute } from "./router";
import { type AppRoute, resolveRoute } from "./routes";

// The editor renders Markdown previews: its code loads with the page, not with the app.
const AuditLogPage = lazy(() => import("./pages/admin/AuditLogPage").then((m) => ({ default: m.AuditLogPage })));
const EditFilePage = lazy(() => import("./pages/edit/EditFilePage").then((m) => ({ default: m.EditFilePage })));

export function App() {
  const { pathname } = useRoute();
  const route = resolveRoute(pathname);
  return (
    <Layout>
      <Suspense fallback={<div className="container"><Spinner /></div>}>{page(route)}</Suspense>
    </Layout>
  );
}

function page(route: AppRoute) {
  switch (route.page) {
    case "home":
      return <HomePage />;
    case "listing":
      return <ListingPage key={route.type} type={route.type} />;
    case "repo":
      if (route.repo.view === "upload") return <UploadPage key={route.repo.id} repo={route.repo} />;
      if (route.repo.view === "edit") return <EditFilePage key={`${route.repo.id}/${route.repo.path}`} repo={route.repo} />;
      return <RepoPage key={`${route.repo.type}/${route.repo.id}`} repo={route.repo} />;
    case "login":
      return <LoginPage />;
    case "join":
      return <JoinPage />;
    case "logout":
      return <LogoutPage />;
    case "new":
      return <NewRepoPage />;
    case "tokens":
      return <TokensPage />;
    case "newOrg":
      return <NewOrgPage />;
    case "auditLog":
      return <AuditLogPage />;
    case "profile":
      return <ProfilePage key={route.name} name={route.name} />;
    case "notFound":
      return <NotFound />;
  }
}
