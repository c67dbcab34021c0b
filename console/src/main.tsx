import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, type Caller, problemOf, type ProblemInfo } from './api.js';
import { ApprovalsPage } from './pages/approvals.js';
import { AuditPage } from './pages/audit.js';
import { ClustersPage } from './pages/clusters.js';
import { KeysPage } from './pages/keys.js';
import { PeeringPage } from './pages/peering.js';
import { PeeringsPage } from './pages/peerings.js';
import { RequestPage } from './pages/request.js';
import { SignIn } from './pages/sign-in.js';
import { type ConsoleSettings, currentCredential, finishOidcSignIn, forgetCredential, keepCredential, loadSettings } from './session.js';
import { ProblemView, type Session, SessionContext, Spinner } from './ui.js';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function has(caller: Caller, scope: string): boolean {
  const scopes: readonly string[] = caller.scopes;
  return scopes.includes('admin') || scopes.includes(scope);
}

/** Pages by address (the part after #, so a link never sends anything to the server). */
function Page({ hash }: { hash: string }) {
  const path = hash.replace(/^#/, '') || '/peerings';
  const peering = /^\/peerings\/([^/]+)$/.exec(path);
  if (peering) return <PeeringPage id={decodeURIComponent(peering[1])} />;
  switch (path) {
    case '/peerings':
      return <PeeringsPage />;
    case '/request':
      return <RequestPage />;
    case '/clusters':
      return <ClustersPage />;
    case '/approvals':
      return <ApprovalsPage />;
    case '/keys':
      return <KeysPage />;
    case '/audit':
      return <AuditPage />;
    default:
      return <ProblemView problem={{ title: 'No such page', detail: `The console has no page at ${path}.` }} />;
  }
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const hash = useHash();
  const { caller, can } = session;
  const links: [string, string, boolean][] = [
    ['#/peerings', 'Peerings', true],
    ['#/request', 'Request', can('peerings:write')],
    ['#/clusters', 'Clusters', can('clusters:read')],
    ['#/approvals', 'Approvals', can('approvals:write') || can('admin')],
    ['#/keys', 'API keys', can('api-keys:write')],
    ['#/audit', 'Audit log', can('audit:read')],
  ];
  const current = `#${(hash.replace(/^#/, '') || '/peerings').split('/').slice(0, 2).join('/')}`;
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to the page
      </a>
      <header class="top">
        <strong class="brand">Peering gateway</strong>
        <nav aria-label="Console">
          <ul>
            {links
              .filter(([, , shown]) => shown)
              .map(([href, label]) => (
                <li key={href}>
                  <a href={href} aria-current={current === href ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <span class="who">
          {caller.team ? `team ${caller.team}` : 'admin'} · {caller.id}
          {can('peerings:write') || can('approvals:write') || can('api-keys:write') ? '' : ' · read-only'}
        </span>
        <button type="button" class="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Page hash={hash} />
      </main>
    </SessionContext.Provider>
  );
}

function App() {
  const [settings, setSettings] = useState<ConsoleSettings | null>(null);
  const [token, setToken] = useState<string | null>(currentCredential());
  const [caller, setCaller] = useState<Caller | null>(null);
  const [problem, setProblem] = useState<ProblemInfo | null>(null);
  const [checking, setChecking] = useState(true);

  const signIn = async (credential: string): Promise<void> => {
    setProblem(null);
    try {
      const who = await new Api(credential).whoami();
      keepCredential(credential);
      setToken(credential);
      setCaller(who);
    } catch (err) {
      forgetCredential();
      setToken(null);
      setCaller(null);
      setProblem(problemOf(err));
    }
  };

  useEffect(() => {
    void (async () => {
      const loaded = await loadSettings().catch(() => ({ oidc: null }));
      setSettings(loaded);
      try {
        const fromIssuer = await finishOidcSignIn(loaded);
        if (fromIssuer) await signIn(fromIssuer);
        else if (token) await signIn(token);
      } catch (err) {
        setProblem(problemOf(err));
      }
      setChecking(false);
    })();
  }, []);

  const session = useMemo<Session | null>(
    () => (token && caller ? { api: new Api(token), caller, can: (scope: string) => has(caller, scope) } : null),
    [token, caller],
  );

  if (checking || !settings) return <Spinner label="Loading the console…" />;
  if (!session) return <SignIn settings={settings} onKey={signIn} problem={problem} />;
  return (
    <Shell
      session={session}
      onSignOut={() => {
        forgetCredential();
        setToken(null);
        setCaller(null);
        window.location.hash = '';
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
