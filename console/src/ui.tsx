import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, type Caller, problemOf, type ProblemInfo } from './api.js';

/** The signed-in session: the API with its credential, and who the credential is. */
export interface Session {
  api: Api;
  caller: Caller;
  /** True when the credential holds the scope (admin holds every scope). */
  can(scope: string): boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="spinner" role="status">
      <span class="spinner-dot" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A problem as the gateway said it: its title, its detail and the fields it names. */
export function ProblemView({ problem }: { problem: ProblemInfo }) {
  return (
    <div class="problem" role="alert">
      <strong>{problem.title ?? 'Something went wrong'}</strong>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.upstream ? (
        <p class="muted">
          {problem.upstream.cluster} answered {problem.upstream.status}
          {problem.upstream.message ? `: ${problem.upstream.message}` : ''}
        </p>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function StateBadge({ state }: { state: string }) {
  return <span class={`state state-${state.toLowerCase()}`}>{state}</span>;
}

export function Labels({ labels }: { labels?: Record<string, string> }) {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return <span class="muted">none</span>;
  return (
    <ul class="labels">
      {entries.map(([k, v]) => (
        <li key={k}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

export function When({ at }: { at?: string | null }) {
  if (!at) return <span class="muted">—</span>;
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

export type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; problem: ProblemInfo };

/** Loads with `load` whenever `deps` change, and again on `reload()` (keeping what it showed meanwhile). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    load().then(
      (value) => ticket === latest.current && setState({ status: 'ready', value }),
      (err: unknown) => ticket === latest.current && setState({ status: 'failed', problem: problemOf(err) }),
    );
  }, [...deps, generation]);
  return [state, () => setGeneration((g) => g + 1)];
}

/** Renders a Loaded: the spinner, the problem, or `children` with the value. */
export function Show<T>({ loaded, children, label }: { loaded: Loaded<T>; children: (value: T) => ComponentChildren; label?: string }) {
  if (loaded.status === 'loading') return <Spinner label={label} />;
  if (loaded.status === 'failed') return <ProblemView problem={loaded.problem} />;
  return <>{children(loaded.value)}</>;
}

/** A write in progress: its button is busy, its problem is shown next to it. */
export function useAction(): { busy: boolean; problem: ProblemInfo | null; run: (work: () => Promise<unknown>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemInfo | null>(null);
  return {
    busy,
    problem,
    clear: () => setProblem(null),
    run: async (work) => {
      setBusy(true);
      setProblem(null);
      try {
        await work();
        return true;
      } catch (err) {
        setProblem(problemOf(err));
        return false;
      } finally {
        setBusy(false);
      }
    },
  };
}

/** Calls `onChange` (debounced) for every event of a stream, while the component is shown. */
export function useWatch(path: string, onChange: () => void, deps: unknown[]): boolean {
  const { api } = useSession();
  const [live, setLive] = useState(false);
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    api.watch(
      path,
      () => {
        clearTimeout(timer);
        timer = setTimeout(() => callback.current(), 150);
      },
      controller.signal,
      setLive,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, path, ...deps]);
  return live;
}

export function LiveMark({ live }: { live: boolean }) {
  return <span class={live ? 'live on' : 'live'}>{live ? 'Live' : 'Reconnecting…'}</span>;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}
