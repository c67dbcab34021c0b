import { useState } from 'preact/hooks';
import { type Approval } from '../api.js';
import { Empty, LiveMark, ProblemView, Show, useAction, useLoad, useSession, useWatch, When } from '../ui.js';

/** Approve (with an optional comment) or reject (with a reason) one peering. */
export function Decision({ peeringId, name, onDone }: { peeringId: string; name: string; onDone: () => void }) {
  const { api } = useSession();
  const action = useAction();
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const fieldId = `reason-${peeringId}`;
  return (
    <div class="decision" role="group" aria-label={`Decision on ${name}`}>
      <label for={fieldId}>Reason</label>
      <input
        id={fieldId}
        type="text"
        maxLength={500}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        aria-describedby={`${fieldId}-hint`}
      />
      <p id={`${fieldId}-hint`} class="muted">
        A comment for an approval (optional); the reason for a rejection (required).
      </p>
      <button
        type="button"
        disabled={action.busy}
        onClick={async () => (await action.run(() => api.approve(peeringId, reason.trim() || undefined))) && onDone()}
      >
        Approve
      </button>
      <button
        type="button"
        class="danger"
        disabled={action.busy}
        onClick={async () => {
          setMissingReason(reason.trim() === '');
          if (reason.trim() !== '' && (await action.run(() => api.reject(peeringId, reason.trim())))) onDone();
        }}
      >
        Reject
      </button>
      {missingReason ? <ProblemView problem={{ title: 'A rejection needs a reason', detail: 'Say why in Reason: the team that asked reads it.' }} /> : null}
      {action.problem ? <ProblemView problem={action.problem} /> : null}
    </div>
  );
}

function requester(a: Approval): string {
  const by = a.requestedBy;
  return [a.team ?? by?.team, by?.id].filter(Boolean).join(' / ') || 'unknown';
}

/** The peerings awaiting an approval the caller's team may give. */
export function ApprovalsPage() {
  const { api, can, caller } = useSession();
  const [list, reload] = useLoad(() => api.approvals(), [api]);
  const live = useWatch('/v1/events/watch', reload, []);
  return (
    <section>
      <header class="page-head">
        <h1>Approvals</h1>
        <LiveMark live={live} />
      </header>
      <Show loaded={list} label="Loading the approvals…">
        {({ items }) =>
          items.length === 0 ? (
            <Empty>Nothing awaits your team's approval.</Empty>
          ) : (
            <ul class="cards">
              {items.map((a) => {
                const p = a.peering;
                const id = a.peeringId;
                const name = a.name;
                const waiting = (a.clusters ?? []).filter((c) => !c.approved).map((c) => c.cluster);
                return (
                  <li key={id} class="card">
                    {/* Another team's peering reads as 404 to the approver: only the requester's own team gets a link. */}
                    <h2>{caller.team === a.team || can('admin') ? <a href={`#/peerings/${encodeURIComponent(id)}`}>{name}</a> : name}</h2>
                    <p>
                      {p ? `${p.local.cluster} → ${p.remote.cluster ?? 'external peer'}` : a.product} — asked by {requester(a)} <When at={a.requestedAt} />
                    </p>
                    <p class="muted">
                      {waiting.length ? `Waits for an approval on ${waiting.join(', ')}` : 'Approved on every cluster'}
                      {a.expiresAt ? (
                        <>
                          {' '}
                          until <When at={a.expiresAt} />
                        </>
                      ) : null}
                    </p>
                    {can('approvals:write') ? (
                      <Decision peeringId={id} name={name} onDone={reload} />
                    ) : (
                      <p class="muted">Your credential may not decide (approvals:write).</p>
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Show>
    </section>
  );
}
