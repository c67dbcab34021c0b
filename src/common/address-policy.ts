import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** An address the gateway will not call. Final: retrying cannot change it. */
export class RefusedUrlError extends Error {
  override readonly name = 'RefusedUrlError';
}

/** Cloud metadata services by name (their addresses are refused below as well). */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog']);

/**
 * Link-local (where AWS, Azure, GCP, OpenStack serve instance metadata and credentials), the
 * other clouds' metadata addresses, and addresses that name no single host (unspecified,
 * multicast, broadcast). Loopback and private ranges stay allowed: receivers and clusters on
 * the same host or network are ordinary in the places a gateway like this runs.
 */
const REFUSED_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['255.255.255.255', 32, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['::', 128, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

function bareHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Where the gateway may send requests (and the credentials or signatures that go with them):
 * http and https only, no credentials in the URL, never to metadata, link-local, unspecified or
 * multicast addresses unless the operator's allow-list (`setting`) names the host or a CIDR
 * around the address. Checked when a URL is written and again on every connection (`lookup`),
 * so a name that later resolves elsewhere (DNS rebinding) is refused too.
 * Used for webhook receivers (src/webhooks/url-policy.ts) and cluster endpoints
 * (src/transport/endpoint-policy.ts).
 */
export class AddressPolicy {
  private readonly refused = new BlockList();
  private readonly allowedNets = new BlockList();
  private readonly allowedHosts = new Set<string>();

  constructor(
    allow: string[],
    /** The setting that opens the allow-list, named in refusals. */
    private readonly setting: string,
  ) {
    for (const [address, prefix, fam] of REFUSED_RANGES) this.refused.addSubnet(address, prefix, fam);
    for (const entry of allow) {
      const [address, bits] = entry.split('/');
      if (isIP(address)) this.allowedNets.addSubnet(address, bits ? Number(bits) : family(address) === 'ipv6' ? 128 : 32, family(address));
      else this.allowedHosts.add(bareHost(address));
    }
  }

  /** The URL if its form is acceptable; throws RefusedUrlError with the reason otherwise. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new RefusedUrlError('must be an absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedUrlError(`must use http or https, not ${url.protocol.slice(0, -1)}`);
    // Credentials in the URL would be shown back by GET and written wherever the URL goes.
    if (url.username || url.password) throw new RefusedUrlError('must not carry credentials');
    const host = bareHost(url.hostname);
    if (!this.allowedHosts.has(host) && METADATA_HOSTS.has(host)) throw new RefusedUrlError(`host '${host}' is a cloud metadata service`);
    if (isIP(host)) this.assertAddresses(host, [host]);
    return url;
  }

  /**
   * Parses, resolves the host now and checks every address it resolves to. A name that does not
   * resolve is refused, unless `unresolvable` is 'allow' (the connection-time check still applies).
   */
  async vet(raw: string, unresolvable: 'refuse' | 'allow' = 'refuse'): Promise<URL> {
    const url = this.parse(raw);
    const host = bareHost(url.hostname);
    if (isIP(host)) return url;
    let addresses: LookupAddress[];
    try {
      addresses = await dnsLookupAsync(host, { all: true });
    } catch {
      if (unresolvable === 'allow') return url;
      throw new RefusedUrlError(`host '${host}' does not resolve`);
    }
    this.assertAddresses(
      host,
      addresses.map((a) => a.address),
    );
    return url;
  }

  private assertAddresses(host: string, addresses: string[]): void {
    if (this.allowedHosts.has(host)) return;
    for (const address of addresses) {
      const fam = family(address);
      if (this.refused.check(address, fam) && !this.allowedNets.check(address, fam)) {
        throw new RefusedUrlError(
          `${address === host ? 'address' : `host '${host}' resolves to`} ${address}, in a link-local, cloud metadata, unspecified or multicast range (allow it with ${this.setting})`,
        );
      }
    }
  }

  /** `lookup` for an HTTP client's sockets: the connection is only made to checked addresses. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      try {
        this.assertAddresses(
          bareHost(hostname),
          addresses.map((a) => a.address),
        );
      } catch (refusal) {
        return callback(refusal as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0];
      callback(null, first.address, first.family);
    });
  };
}
