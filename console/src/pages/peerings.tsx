import { useState } from 'preact/hooks';
import { PEERING_STATES } from '../api.js';
import { Empty, Labels, LiveMark, Show, StateBadge, useLoad, useSession, useWatch, When } from '../ui.js';

/** One filter of the list: `any`, or one of its options ([value, text]). */
function Filter({ label, value, onChange, options }: { label: string; value: string; onChange: (value: string) => void; options: [string, string][] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The team's peerings, filtered by state, product and cluster, following the event stream. */
export function PeeringsPage() {
  const { api, can } = useSession();
  const [state, setState] = useState('');
  const [product, setProduct] = useState('');
  const [cluster, setCluster] = useState('');
  const [clusters] = useLoad(() => api.clusters(), [api]);
  const [list, reload] = useLoad(() => api.peerings({ state, product, cluster }), [api, state, product, cluster]);
  const live = useWatch('/v1/events/watch', reload, []);
  const clusterIds = clusters.status === 'ready' ? clusters.value.map((c) => c.id) : [];
  return (
    <section>
      <header class="page-head">
        <h1>Peerings</h1>
        <LiveMark live={live} />
        {can('peerings:write') ? (
          <a class="button" href="#/request">
            Request a peering
          </a>
        ) : null}
      </header>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Filter label="State" value={state} onChange={setState} options={PEERING_STATES.map((s) => [s, s])} />
        <Filter
          label="Product"
          value={product}
          onChange={setProduct}
          options={[
            ['ontap', 'ONTAP'],
            ['consul', 'Consul'],
          ]}
        />
        <Filter label="Cluster" value={cluster} onChange={setCluster} options={clusterIds.map((id) => [id, id])} />
      </form>
      <Show loaded={list} label="Loading peerings…">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>
              No peering {state || product || cluster ? 'matches these filters' : 'yet'}.{can('peerings:write') ? ' Request one to connect two clusters.' : ''}
            </Empty>
          ) : (
            <table>
              <caption class="visually-hidden">Peerings of your team</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Product</th>
                  <th scope="col">Local</th>
                  <th scope="col">Remote</th>
                  <th scope="col">State</th>
                  <th scope="col">Labels</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id} data-peering={p.id}>
                    <td>
                      <a href={`#/peerings/${encodeURIComponent(p.id)}`}>{p.name}</a>
                    </td>
                    <td>{p.product}</td>
                    <td>{p.local.cluster}</td>
                    <td>{p.remote.cluster ?? 'external peer'}</td>
                    <td>
                      <StateBadge state={p.state} />
                    </td>
                    <td>
                      <Labels labels={p.labels} />
                    </td>
                    <td>
                      <When at={p.updatedAt} />
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
