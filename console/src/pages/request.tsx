import { useState } from 'preact/hooks';
import { type Cluster, type Plan, type PeeringRequest, type ProblemInfo, problemOf } from '../api.js';
import { Empty, navigate, ProblemView, Show, Spinner, StateBadge, useLoad, useSession } from '../ui.js';

const APPLICATIONS = ['snapmirror', 'file_copy', 'lun_copy', 'flexcache'] as const;
type Application = (typeof APPLICATIONS)[number];

interface SvmRow {
  local: string;
  remote: string;
  applications: Application[];
}

const list = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `key=value` lines as labels; the API checks the rules and names the label it refuses. */
function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    labels[(at < 0 ? line : line.slice(0, at)).trim()] = at < 0 ? '' : line.slice(at + 1).trim();
  }
  return labels;
}

/** The request form for both products: plan it (a dry run, nothing is written), then create it. */
export function RequestPage() {
  const { api } = useSession();
  const [clusters] = useLoad(() => api.clusters(), [api]);
  return (
    <Show loaded={clusters}>
      {(items) =>
        items.length < 2 ? <Empty>Two clusters of one product are needed; ask an operator to register them.</Empty> : <RequestForm clusters={items} />
      }
    </Show>
  );
}

function RequestForm({ clusters }: { clusters: Cluster[] }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [local, setLocal] = useState('');
  const [remote, setRemote] = useState('');
  const [labels, setLabels] = useState('');
  const [encryption, setEncryption] = useState('tls_psk');
  const [expiry, setExpiry] = useState('');
  const [svmPeers, setSvmPeers] = useState<SvmRow[]>([]);
  const [exportsLocal, setExportsLocal] = useState('');
  const [exportsRemote, setExportsRemote] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [busy, setBusy] = useState<'plan' | 'create' | null>(null);
  const [problem, setProblem] = useState<ProblemInfo | null>(null);

  const product = clusters.find((c) => c.id === local)?.product;
  const remotes = clusters.filter((c) => c.id !== local && (!product || c.product === product));

  const body = (): PeeringRequest => {
    const request: PeeringRequest = { name: name.trim(), local: { cluster: local }, remote: { cluster: remote } };
    const parsedLabels = labelsOf(labels);
    if (Object.keys(parsedLabels).length) request.labels = parsedLabels;
    if (product === 'ontap') {
      request.ontap = { encryption: encryption as 'tls_psk' | 'none', ...(expiry.trim() ? { passphraseExpiry: expiry.trim() } : {}) };
      const pairs = svmPeers.filter((s) => s.local.trim() && s.remote.trim());
      if (pairs.length) request.ontap.svmPeers = pairs.map((s) => ({ local: s.local.trim(), remote: s.remote.trim(), applications: s.applications }));
    }
    if (product === 'consul' && (list(exportsLocal).length || list(exportsRemote).length)) {
      request.consul = { exports: { local: list(exportsLocal), remote: list(exportsRemote) } };
    }
    return request;
  };
  const changed =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPlan(null);
    };
  const run = async (which: 'plan' | 'create') => {
    setBusy(which);
    setProblem(null);
    try {
      if (which === 'plan') setPlan(await api.plan(body()));
      else navigate(`#/peerings/${encodeURIComponent((await api.create(body())).id)}`);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(null);
    }
  };
  const value = (e: Event) => (e.target as HTMLInputElement).value;

  return (
    <section>
      <h1>Request a peering</h1>
      <form class="request" onSubmit={(e) => (e.preventDefault(), void run('create'))}>
        <label for="rq-name">Name</label>
        <input id="rq-name" required value={name} onInput={(e) => changed(setName)(value(e))} aria-describedby="rq-name-hint" />
        <p id="rq-name-hint" class="muted">
          A DNS label: lower-case letters, digits and hyphens.
        </p>
        <label for="rq-local">Local cluster</label>
        <select id="rq-local" required value={local} onChange={(e) => (changed(setLocal)(value(e)), setRemote(''))}>
          <option value="">choose…</option>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.id} ({c.product})
            </option>
          ))}
        </select>
        <label for="rq-remote">Remote cluster</label>
        <select id="rq-remote" required value={remote} onChange={(e) => changed(setRemote)(value(e))}>
          <option value="">choose…</option>
          {remotes.map((c) => (
            <option key={c.id} value={c.id}>
              {c.id} ({c.product})
            </option>
          ))}
        </select>
        {product === 'ontap' ? (
          <fieldset>
            <legend>ONTAP options</legend>
            <label for="rq-encryption">Encryption</label>
            <select id="rq-encryption" value={encryption} onChange={(e) => changed(setEncryption)(value(e))}>
              <option value="tls_psk">TLS with a pre-shared key</option>
              <option value="none">none</option>
            </select>
            <label for="rq-expiry">Passphrase expiry</label>
            <input id="rq-expiry" placeholder="P1D" value={expiry} onInput={(e) => changed(setExpiry)(value(e))} />
            <fieldset>
              <legend>SVM peers</legend>
              {svmPeers.map((row, i) => (
                <div class="svm-row" key={i} role="group" aria-label={`SVM peer ${i + 1}`}>
                  <label>
                    Local SVM
                    <input value={row.local} onInput={(e) => changed(setSvmPeers)(svmPeers.map((r, j) => (j === i ? { ...r, local: value(e) } : r)))} />
                  </label>
                  <label>
                    Remote SVM
                    <input value={row.remote} onInput={(e) => changed(setSvmPeers)(svmPeers.map((r, j) => (j === i ? { ...r, remote: value(e) } : r)))} />
                  </label>
                  {APPLICATIONS.map((app) => (
                    <label key={app} class="check">
                      <input
                        type="checkbox"
                        checked={row.applications.includes(app)}
                        onChange={(e) =>
                          changed(setSvmPeers)(
                            svmPeers.map((r, j) =>
                              j === i
                                ? {
                                    ...r,
                                    applications: (e.target as HTMLInputElement).checked ? [...r.applications, app] : r.applications.filter((a) => a !== app),
                                  }
                                : r,
                            ),
                          )
                        }
                      />
                      {app}
                    </label>
                  ))}
                  <button type="button" class="secondary" onClick={() => changed(setSvmPeers)(svmPeers.filter((_, j) => j !== i))}>
                    Remove SVM peer {i + 1}
                  </button>
                </div>
              ))}
              <button
                type="button"
                class="secondary"
                onClick={() => changed(setSvmPeers)([...svmPeers, { local: '', remote: '', applications: ['snapmirror'] }])}
              >
                Add an SVM peer
              </button>
            </fieldset>
          </fieldset>
        ) : null}
        {product === 'consul' ? (
          <fieldset>
            <legend>Consul options</legend>
            <label for="rq-exports-local">Services the local datacenter exports</label>
            <input id="rq-exports-local" placeholder="web, api" value={exportsLocal} onInput={(e) => changed(setExportsLocal)(value(e))} />
            <label for="rq-exports-remote">Services the remote datacenter exports</label>
            <input id="rq-exports-remote" placeholder="db" value={exportsRemote} onInput={(e) => changed(setExportsRemote)(value(e))} />
          </fieldset>
        ) : null}
        <label for="rq-labels">Labels</label>
        <textarea
          id="rq-labels"
          rows={3}
          placeholder="app=billing"
          value={labels}
          onInput={(e) => changed(setLabels)((e.target as HTMLTextAreaElement).value)}
          aria-describedby="rq-labels-hint"
        />
        <p id="rq-labels-hint" class="muted">
          One key=value per line.
        </p>
        <div class="actions">
          <button type="button" class="secondary" disabled={busy !== null} onClick={() => void run('plan')}>
            Plan
          </button>
          <button type="submit" disabled={busy !== null}>
            Create
          </button>
        </div>
      </form>
      {busy ? <Spinner label={busy === 'plan' ? 'Asking both clusters (nothing is changed)…' : 'Sending the request…'} /> : null}
      {problem ? <ProblemView problem={problem} /> : null}
      {plan ? <PlanView plan={plan} /> : null}
    </section>
  );
}

function PlanView({ plan }: { plan: Plan }) {
  return (
    <section class="plan" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan: {plan.ready ? 'ready to create' : 'not ready'}</h2>
      <table>
        <caption>Checks</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Side</th>
            <th scope="col">Result</th>
            <th scope="col">Message</th>
            <th scope="col">Fix</th>
          </tr>
        </thead>
        <tbody>
          {plan.checks.map((c, i) => (
            <tr key={i}>
              <td>{c.name}</td>
              <td>{c.side ?? ''}</td>
              <td>
                <StateBadge state={c.status} />
              </td>
              <td>{c.message}</td>
              <td>{c.fix ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.steps.length ? (
        <>
          <h3>What Create will do</h3>
          <ol class="steps">
            {plan.steps.map((s, i) => (
              <li key={i}>
                <strong>{s.action}</strong>
                {s.side ? ` (${s.side})` : ''}
                {s.description ? ` — ${s.description}` : ''}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
