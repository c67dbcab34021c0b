import { useState } from 'preact/hooks';
import { type NewApiKey } from '../api.js';
import { Empty, ProblemView, Show, useAction, useLoad, useSession, When } from '../ui.js';

const SCOPES = ['peerings:read', 'peerings:write', 'clusters:read', 'approvals:write', 'audit:read', 'webhooks:read', 'webhooks:write', 'api-keys:write'];

/** The team's API keys: make one (shown once, here), revoke one. */
export function KeysPage() {
  const { api, caller } = useSession();
  const [keys, reload] = useLoad(() => api.apiKeys(), [api]);
  const create = useAction();
  const revoke = useAction();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['peerings:read']);
  const [made, setMade] = useState<NewApiKey | null>(null);
  const held: readonly string[] = caller.scopes;
  const offered = SCOPES.filter((s) => held.includes('admin') || held.includes(s));
  return (
    <section>
      <h1>API keys</h1>
      <form
        class="request"
        onSubmit={async (e) => {
          e.preventDefault();
          setMade(null);
          await create.run(async () => {
            setMade(await api.createApiKey({ name: name.trim(), team: caller.team ?? 'default', scopes: scopes as never }));
            setName('');
            reload();
          });
        }}
      >
        <label for="key-name">Key name</label>
        <input id="key-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <fieldset>
          <legend>Scopes</legend>
          {offered.map((s) => (
            <label key={s} class="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((e.target as HTMLInputElement).checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.busy}>
          Create key
        </button>
      </form>
      {create.problem ? <ProblemView problem={create.problem} /> : null}
      {made ? (
        <div class="secret" role="status">
          <p>
            The key <strong>{made.name}</strong>, shown this once: copy it now, the gateway keeps only its hash.
          </p>
          <output aria-label="New API key">{made.key}</output>
        </div>
      ) : null}
      {revoke.problem ? <ProblemView problem={revoke.problem} /> : null}
      <Show loaded={keys} label="Loading the keys…">
        {(items) =>
          items.length === 0 ? (
            <Empty>No key yet.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Team</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>{k.team}</td>
                    <td>{k.scopes.join(', ')}</td>
                    <td>
                      <When at={k.lastUsedAt} />
                    </td>
                    <td>{k.revokedAt ? 'revoked' : k.expiresAt && Date.parse(k.expiresAt) < Date.now() ? 'expired' : 'active'}</td>
                    <td>
                      {k.revokedAt || k.id === caller.id ? null : (
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Revoke ${k.name}`}
                          disabled={revoke.busy}
                          onClick={() => void revoke.run(() => api.revokeApiKey(k.id)).then(reload)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}
