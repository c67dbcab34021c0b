import { useState } from 'preact/hooks';
import { type Operation, type PeeringView } from '../api.js';
import { Empty, Labels, LiveMark, ProblemView, Show, Spinner, StateBadge, useAction, useLoad, useSession, useWatch, When } from '../ui.js';
import { Decision } from './approvals.js';

const WORKING = new Set(['PENDING', 'ESTABLISHING', 'DELETING']);

/** One peering: state, conditions, sides, parts, the latest operation and the history, live. */
export function PeeringPage({ id }: { id: string }) {
  const { api, can } = useSession();
  const [peering, reloadPeering] = useLoad(() => api.peering(id), [api, id]);
  const operationId = peering.status === 'ready' ? peering.value.operationId : undefined;
  const [operation, reloadOperation] = useLoad(() => (operationId ? api.operation(operationId) : Promise.resolve(null)), [api, operationId]);
  const [history, reloadHistory] = useLoad(() => api.events(id), [api, id]);
  const reload = () => {
    reloadPeering();
    reloadOperation();
    reloadHistory();
  };
  const live = useWatch(`/v1/peerings/${encodeURIComponent(id)}/watch`, reload, []);
  return (
    <Show loaded={peering} label="Loading the peering…">
      {(p) => (
        <section>
          <header class="page-head">
            <h1>{p.name}</h1>
            <StateBadge state={p.state} />
            <LiveMark live={live} />
          </header>
          {WORKING.has(p.state) ? <Spinner label={`${p.state === 'DELETING' ? 'Removing' : 'Working on'} it: the page follows each step.`} /> : null}
          {p.lastError ? <ProblemView problem={p.lastError} /> : null}
          {can('peerings:write') ? <Actions peering={p} onDone={reload} /> : null}
          {p.state === 'AWAITING_APPROVAL' && can('approvals:write') ? <Decision peeringId={p.id} name={p.name} onDone={reload} /> : null}
          <Summary peering={p} />
          <ApprovalView peering={p} />
          <Conditions peering={p} />
          <Parts peering={p} />
          <h2>Latest operation</h2>
          <Show loaded={operation} label="Loading the operation…">
            {(op) => (op ? <OperationView operation={op} /> : <Empty>No operation yet.</Empty>)}
          </Show>
          <h2>History</h2>
          <Show loaded={history} label="Loading the history…">
            {(events) =>
              events.length === 0 ? (
                <Empty>No event yet.</Empty>
              ) : (
                <ol class="history">
                  {events.map((e) => (
                    <li key={e.id}>
                      <When at={e.timestamp} /> <code>{e.type}</code>
                      {e.data.from && e.data.to ? ` ${e.data.from} → ${e.data.to}` : ''}
                      {e.data.reason ? ` — ${e.data.reason}` : ''}
                      {e.data.actor?.id ? <span class="muted"> by {e.data.actor.id}</span> : null}
                    </li>
                  ))}
                </ol>
              )
            }
          </Show>
        </section>
      )}
    </Show>
  );
}

function Actions({ peering, onDone }: { peering: PeeringView; onDone: () => void }) {
  const { api } = useSession();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const gone = peering.state === 'DELETING' || peering.state === 'DELETED';
  const act = async (work: () => Promise<unknown>) => {
    setConfirming(false);
    if (await action.run(work)) onDone();
  };
  return (
    <div class="actions">
      <button type="button" disabled={action.busy || peering.state !== 'FAILED'} onClick={() => act(() => api.retry(peering.id))}>
        Retry
      </button>
      <button type="button" class="secondary" disabled={action.busy || gone} onClick={() => act(() => api.sync(peering.id))}>
        Sync
      </button>
      <button type="button" class="danger" disabled={action.busy || gone} aria-expanded={confirming} onClick={() => setConfirming(true)}>
        Delete
      </button>
      {confirming ? (
        <div class="confirm" role="group" aria-label="Confirm the delete">
          <p>Remove this peering on both clusters? Whatever uses it stops working.</p>
          <button type="button" class="danger" autoFocus onClick={() => act(() => api.remove(peering.id))}>
            Yes, delete
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      {action.busy ? <Spinner label="Sending…" /> : null}
      {action.problem ? <ProblemView problem={action.problem} /> : null}
    </div>
  );
}

function Summary({ peering: p }: { peering: PeeringView }) {
  const side = (s: { nativeId: string | null; nativeState: string | null } | null | undefined) =>
    s ? `${s.nativeState ?? 'not made yet'}${s.nativeId ? ` (${s.nativeId})` : ''}` : 'not seen by the gateway';
  return (
    <dl class="facts">
      <dt>Product</dt>
      <dd>{p.product}</dd>
      <dt>Local cluster</dt>
      <dd>
        {p.local.cluster}: {side(p.sides.local)}
      </dd>
      <dt>Remote</dt>
      <dd>
        {p.remote.cluster ?? `external peer ${p.remote.external?.addresses?.join(', ') ?? ''}`}: {side(p.sides.remote)}
      </dd>
      {p.stateReason ? (
        <>
          <dt>Why</dt>
          <dd>{p.stateReason}</dd>
        </>
      ) : null}
      <dt>Labels</dt>
      <dd>
        <Labels labels={p.labels} />
      </dd>
      <dt>Created</dt>
      <dd>
        <When at={p.createdAt} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <When at={p.updatedAt} />
      </dd>
      <dt>Id</dt>
      <dd>
        <code>{p.id}</code>
      </dd>
    </dl>
  );
}

function ApprovalView({ peering }: { peering: PeeringView }) {
  const approval = peering.approval;
  if (!approval) return null;
  return (
    <>
      <h2>Approval</h2>
      {approval.outcome ? (
        <p>
          {approval.outcome === 'rejected'
            ? `Rejected by ${approval.decidedBy?.team ?? approval.decidedBy?.id ?? 'an approver'}`
            : 'Expired without a decision'}
          {approval.reason ? `: ${approval.reason}` : ''}
        </p>
      ) : null}
      <ul>
        {approval.clusters.map((c) => (
          <li key={c.cluster}>
            {c.cluster}:{' '}
            {c.approvedAt ? (
              <>
                approved by {c.approvedBy?.team ?? c.approvedBy?.id ?? 'an approver'} <When at={c.approvedAt} />
                {c.comment ? ` — ${c.comment}` : ''}
              </>
            ) : (
              `waits for ${c.approverTeams.join(' or ')}`
            )}
          </li>
        ))}
      </ul>
      {approval.expiresAt && !approval.outcome && peering.state === 'AWAITING_APPROVAL' ? (
        <p class="muted">
          Fails unless approved by <When at={approval.expiresAt} />
        </p>
      ) : null}
    </>
  );
}

function Conditions({ peering }: { peering: PeeringView }) {
  if (!peering.conditions?.length) return null;
  return (
    <>
      <h2>Conditions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            <th scope="col">Message</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {peering.conditions.map((c) => (
            <tr key={c.type}>
              <td>{c.type}</td>
              <td>
                <span class={`condition condition-${c.status.toLowerCase()}`}>{c.status}</span>
              </td>
              <td>{c.reason}</td>
              <td>{c.message}</td>
              <td>
                <When at={c.lastTransitionTime} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Parts({ peering }: { peering: PeeringView }) {
  const svmPeers = peering.svmPeers ?? [];
  const exports = [
    ...(peering.exports?.local ?? []).map((e) => ({ ...e, side: 'local' })),
    ...(peering.exports?.remote ?? []).map((e) => ({ ...e, side: 'remote' })),
  ];
  if (!svmPeers.length && !exports.length) return null;
  return (
    <>
      <h2>Parts</h2>
      {svmPeers.length ? (
        <table>
          <caption>SVM peers</caption>
          <thead>
            <tr>
              <th scope="col">Local SVM</th>
              <th scope="col">Remote SVM</th>
              <th scope="col">Applications</th>
              <th scope="col">State</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {svmPeers.map((s) => (
              <tr key={`${s.local}/${s.remote}`}>
                <td>{s.local}</td>
                <td>{s.remote}</td>
                <td>{s.applications.join(', ')}</td>
                <td>
                  <StateBadge state={s.state} /> {s.nativeState ? <span class="muted">{s.nativeState}</span> : null}
                </td>
                <td>{s.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {exports.length ? (
        <table>
          <caption>Exported services</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Exported by</th>
              <th scope="col">State</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {exports.map((e) => (
              <tr key={`${e.side}/${e.service}`}>
                <td>{e.service}</td>
                <td>{e.side === 'local' ? peering.local.cluster : (peering.remote.cluster ?? 'the external peer')}</td>
                <td>
                  <StateBadge state={e.state} />
                </td>
                <td>{e.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function OperationView({ operation: op }: { operation: Operation }) {
  return (
    <div class="operation">
      <p>
        <code>{op.type}</code> <StateBadge state={op.status} /> attempt {op.attempts}
        {op.nextAttemptAt ? (
          <>
            {' '}
            — next attempt <When at={op.nextAttemptAt} />
          </>
        ) : null}
      </p>
      {op.status === 'running' || op.status === 'queued' || op.status === 'retrying' ? (
        <progress aria-label="Operation progress" max={Math.max(op.steps.length + 1, 4)} value={op.steps.filter((s) => s.status !== 'running').length} />
      ) : null}
      {op.steps.length ? (
        <ol class="steps">
          {op.steps.map((s, i) => (
            <li key={i} class={`step step-${s.status}`}>
              <strong>{s.name}</strong> <span class="muted">{s.status}</span>
              {s.detail ? <span> — {s.detail}</span> : null}
            </li>
          ))}
        </ol>
      ) : (
        <Empty>No step has run yet.</Empty>
      )}
      {op.lastError ? <ProblemView problem={op.lastError} /> : null}
    </div>
  );
}
