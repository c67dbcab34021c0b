/** Calls to the simulators behind the gateway's back, as an operator (or another tool) would make them. */

const ONTAP_AUTH = `Basic ${Buffer.from('admin:netapp123').toString('base64')}`;

export async function simCall(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: res.status, body: text };
  }
}

export const ontapCall = (url: string, method: string, path: string, body?: unknown) => simCall(url, method, path, body, { authorization: ONTAP_AUTH });
export const consulCall = (url: string, method: string, path: string, body?: unknown, token = 'sandbox-consul-token') =>
  simCall(url, method, path, body, { 'x-consul-token': token });
