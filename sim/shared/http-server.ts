import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { type Faults } from './faults.js';

/** What a simulator route handler sees of a request. */
export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a simulator route handler answers. A string body is sent as text/plain, anything else as JSON. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The body as JSON text already (sent as application/json instead of `body`): a large list built in pieces. */
  json?: string;
  /** Answer nothing: reset the connection (TCP RST), as a network failure on the way would. */
  resetConnection?: boolean;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: SimHandler;
}

/**
 * A deliberately small router on node:http: the simulators must behave like the products
 * (status codes, plain-text bodies, odd headers), which is easier without a framework in between.
 */
export class SimRouter {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: SimHandler): this {
    const keys: string[] = [];
    const source = path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  /** Finds the handler; `methodNotAllowed` when the path exists under another method. */
  match(method: string, path: string): { handler: SimHandler; params: Record<string, string> } | 'methodNotAllowed' | undefined {
    let pathExists = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1])));
      return { handler: route.handler, params };
    }
    return pathExists ? 'methodNotAllowed' : undefined;
  }
}

export interface SimServerOptions {
  port?: number;
  host?: string;
  router: SimRouter;
  faults: Faults;
  /** Serve HTTPS with this key and certificate (PEM), as a cluster with its own certificate does. */
  tls?: { key: string; cert: string };
  /** Paths under this prefix bypass fault injection (the control surface must stay reachable). */
  controlPrefix?: string;
  /** Answer for an unknown path or wrong method, in the product's own style. */
  notFound: (req: SimRequest) => SimResponse;
  methodNotAllowed: (req: SimRequest) => SimResponse;
}

export interface RunningSimServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, answer: SimResponse): void {
  if (answer.resetConnection) {
    res.socket?.resetAndDestroy();
    return;
  }
  const headers: Record<string, string> = { ...(answer.headers ?? {}) };
  let payload = '';
  if (typeof answer.body === 'string') {
    payload = answer.body;
    // Go's net/http sets no Content-Type on an empty body (e.g. Consul's 429).
    if (payload !== '') headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (answer.json !== undefined) {
    payload = answer.json;
    headers['content-type'] ??= 'application/json';
  } else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSimServer(options: SimServerOptions): Promise<RunningSimServer> {
  const controlPrefix = options.controlPrefix ?? '/_sim';
  const handler: RequestListener = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const counted = !url.pathname.startsWith(controlPrefix);
    if (counted) options.faults.maxInFlight = Math.max(options.faults.maxInFlight, ++options.faults.inFlight);
    res.once('close', () => counted && options.faults.inFlight--);
    try {
      const simReq: SimRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        params: {},
        query: url.searchParams,
        headers: req.headers,
        body: await readBody(req),
      };
      if (!url.pathname.startsWith(controlPrefix)) {
        const injected = await options.faults.beforeRequest(simReq.method, simReq.path, simReq.body);
        if (injected === 'drop') {
          req.socket.destroy();
          return;
        }
        if (injected) return send(res, injected);
      }
      const found = options.router.match(simReq.method, simReq.path);
      if (found === 'methodNotAllowed') return send(res, options.methodNotAllowed(simReq));
      if (!found) return send(res, options.notFound(simReq));
      simReq.params = found.params;
      send(res, await found.handler(simReq));
    } catch (err) {
      send(res, { status: 500, body: `simulator error: ${(err as Error).message}` });
    }
  };
  const server: Server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket) => {
    if (!options.faults.refusingConnections()) return;
    options.faults.refusedConnections++;
    socket.destroy();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
