import { useState } from 'preact/hooks';
import { type ProblemInfo } from '../api.js';
import { type ConsoleSettings, startOidcSignIn } from '../session.js';
import { ProblemView } from '../ui.js';

/** Sign-in with an API key, or with the organisation's issuer when the gateway names one. */
export function SignIn({ settings, onKey, problem }: { settings: ConsoleSettings; onKey: (key: string) => Promise<void>; problem: ProblemInfo | null }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [oidcProblem, setOidcProblem] = useState<ProblemInfo | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    await onKey(key.trim());
    setBusy(false);
  };
  const oidc = settings.oidc;
  return (
    <main class="sign-in">
      <h1>Peering gateway</h1>
      <p>Sign in to see and ask for your team's peerings.</p>
      <form onSubmit={submit} method="post" action="#">
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          aria-describedby="api-key-hint"
        />
        <p id="api-key-hint" class="muted">
          A team key (gwk_…). It is kept for this browser tab only, and sent only to this gateway.
        </p>
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {problem ? <ProblemView problem={problem} /> : null}
      {oidc ? (
        <section class="oidc">
          <h2>Or with your organisation</h2>
          <button
            type="button"
            class="secondary"
            onClick={() => startOidcSignIn(oidc).catch((err: Error) => setOidcProblem({ title: 'The sign-in could not start', detail: err.message }))}
          >
            Sign in with {new URL(oidc.issuer).host}
          </button>
          {oidcProblem ? <ProblemView problem={oidcProblem} /> : null}
        </section>
      ) : null}
    </main>
  );
}
