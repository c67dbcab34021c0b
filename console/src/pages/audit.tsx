import { useState } from 'preact/hooks';
import { type AuditEntry } from '../api.js';
import { Empty, ProblemView, Show, useAction, useLoad, useSession, When } from '../ui.js';

/** The audit log, newest first, filtered by actor, action and target. */
export function AuditPage() {
  const { api } = useSession();
  const [filters, setFilters] = useState({ actor: '', action: '', target: '' });
  const [draft, setDraft] = useState(filters);
  const [more, setMore] = useState<{ items: AuditEntry[]; cursor: string | null }>({ items: [], cursor: null });
  const [page] = useLoad(async () => {
    const first = await api.audit(filters);
    setMore({ items: [], cursor: first.nextCursor });
    return first;
  }, [api, filters]);
  const next = useAction();
  const field = (key: keyof typeof draft, label: string) => (
    <label>
      {label}
      <input value={draft[key]} onInput={(e) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section>
      <h1>Audit log</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        {field('actor', 'Actor')}
        {field('action', 'Action')}
        {field('target', 'Target')}
        <button type="submit">Filter</button>
      </form>
      <Show loaded={page} label="Loading the audit log…">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>No entry matches.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {[...items, ...more.items].map((a) => (
                    <tr key={a.id}>
                      <td>
                        <When at={a.at} />
                      </td>
                      <td>
                        {a.actor.type} {a.actor.id ?? ''} {a.actor.team ? `(${a.actor.team})` : ''}
                      </td>
                      <td>
                        <code>{a.action}</code>
                      </td>
                      <td>
                        {a.target.type} {a.target.id ?? ''}
                      </td>
                      <td>
                        {a.outcome} ({a.status})
                      </td>
                      <td>
                        <code>{a.requestId}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {more.cursor ? (
                <button
                  type="button"
                  class="secondary"
                  disabled={next.busy}
                  onClick={() =>
                    void next.run(async () => {
                      const page2 = await api.audit({ ...filters, cursor: more.cursor ?? undefined });
                      setMore({ items: [...more.items, ...page2.items], cursor: page2.nextCursor });
                    })
                  }
                >
                  Older entries
                </button>
              ) : null}
              {next.problem ? <ProblemView problem={next.problem} /> : null}
            </>
          )
        }
      </Show>
    </section>
  );
}
