import { useApp } from "./app-context";
import { Link, match, navigate, useLocation } from "./router";
import { Confirm, Login, ResetPassword, SignUp } from "./pages/auth";
import { MyInfo } from "./pages/MyInfo";
import { PostEditor } from "./pages/PostEditor";
import { PostList } from "./pages/PostList";
import { PostView } from "./pages/PostView";
import { Stats } from "./pages/Stats";

/** App is the page frame (header, navigation) around the page the path names. */
export function App() {
  const { path } = useLocation();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {page(path)}
      </main>
    </>
  );
}

function page(path: string) {
  let p: Record<string, string> | null;
  if (match("/", path)) return <PostList />;
  if (match("/new", path)) return <PostEditor />;
  if ((p = match("/posts/:id/edit", path))) return <PostEditor key={p.id} id={p.id} />;
  if ((p = match("/posts/:id", path))) return <PostView key={p.id} id={p.id} />;
  if (match("/signup", path)) return <SignUp />;
  if (match("/confirm", path)) return <Confirm />;
  if (match("/login", path)) return <Login />;
  if (match("/reset", path)) return <ResetPassword />;
  if (match("/me", path)) return <MyInfo />;
  if (match("/stats", path)) return <Stats />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page here. <Link href="/">See all posts</Link>.
      </p>
    </section>
  );
}

function Header() {
  const { api, user, ready, reconnecting } = useApp();
  const logout = async () => {
    await api.logout();
    navigate("/");
  };
  return (
    <header className="top">
      <Link href="/" className="brand">
        Eventboard
      </Link>
      <nav aria-label="Main">
        {reconnecting && (
          <span className="muted" role="status">
            Reconnecting…
          </span>
        )}
        <Link href="/stats">Stats</Link>
        {user && <Link href="/new">New post</Link>}
        {user && <Link href="/me">My info</Link>}
        {ready && !user && <Link href="/login">Log in</Link>}
        {ready && !user && <Link href="/signup">Sign up</Link>}
        {user && (
          <span className="who">
            <span className="muted">{user.username}</span>
            <button type="button" className="secondary" onClick={() => void logout()}>
              Log out
            </button>
          </span>
        )}
      </nav>
    </header>
  );
}
