import { Fragment } from 'preact';
import { type Posture } from '../api.js';
import { Empty, Show, useLoad, useSession, When } from '../ui.js';

/** One line per posture fact: its `detail` where it has one. */
function postureLines(posture: Posture): [string, string][] {
  return Object.entries(posture)
    .filter(([key]) => !['cluster', 'product', 'checkedAt'].includes(key))
    .map(([key, value]) => {
      if (value && typeof value === 'object' && !Array.isArray(value) && 'detail' in value) return [key, String((value as { detail: unknown }).detail)];
      if (Array.isArray(value))
        return [key, value.length ? value.map((v) => (v && typeof v === 'object' && 'detail' in v ? String(v.detail) : JSON.stringify(v))).join('; ') : 'none'];
      return [key, typeof value === 'string' ? value : JSON.stringify(value)];
    });
}

function PostureView({ id }: { id: string }) {
  const { api } = useSession();
  const [posture] = useLoad(() => api.posture(id), [api, id]);
  return (
    <Show loaded={posture} label="Reading the posture…">
      {(p) => (
        <dl class="facts">
          {postureLines(p).map(([k, v]) => (
            <Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </Fragment>
          ))}
          <dt>checked</dt>
          <dd>
            <When at={p.checkedAt} />
          </dd>
        </dl>
      )}
    </Show>
  );
}

/** The clusters the caller may use, each with its security posture. */
export function ClustersPage() {
  const { api } = useSession();
  const [clusters] = useLoad(() => api.clusters(), [api]);
  return (
    <section>
      <h1>Clusters</h1>
      <Show loaded={clusters} label="Loading the clusters…">
        {(items) =>
          items.length === 0 ? (
            <Empty>No cluster is registered for your team.</Empty>
          ) : (
            <ul class="cards">
              {items.map((c) => (
                <li key={c.id} class="card">
                  <h2>{c.id}</h2>
                  <p>
                    {c.product === 'ontap' ? 'ONTAP cluster' : 'Consul datacenter'} at <code>{c.endpoint}</code> ({c.source})
                  </p>
                  <h3>Posture</h3>
                  <PostureView id={c.id} />
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
