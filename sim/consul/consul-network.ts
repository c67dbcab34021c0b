import { type PeeringRemote } from './peering-store.js';

/** The dialer's side of a secret exchange, as the acceptor learns it. */
export interface DialerInfo {
  peeringId: string;
  remote: PeeringRemote;
}

/** What one simulated datacenter offers the others: the server-to-server part of peering. */
export interface NetworkMember {
  readonly datacenter: string;
  hasPeering(peeringId: string): boolean;
  /** Consul's ExchangeSecret RPC on the acceptor; throws the 403 Consul returns for a bad secret. */
  acceptSecret(peeringId: string, secret: string, dialer: DialerInfo): void;
  /** The peer deleted its side: mark ours TERMINATED if it is still linked to that peer. */
  terminate(peeringId: string, peerPeeringId: string): void;
  /** The services this datacenter exports over its peering record `peeringId`, as the stream carries them now. */
  exportedOver?(peeringId: string, now: number): string[];
}

/**
 * In-process stand-in for the network between Consul datacenters: running simulators register
 * here so a dialer can reach the acceptor named by a token's PeerID, and a delete can reach the
 * other side. One simulator per datacenter name.
 */
export class ConsulNetwork {
  private readonly members = new Map<string, NetworkMember>();

  register(member: NetworkMember): void {
    if (this.members.has(member.datacenter)) {
      throw new Error(`a Consul simulator for datacenter "${member.datacenter}" is already running on this network`);
    }
    this.members.set(member.datacenter, member);
  }

  unregister(member: NetworkMember): void {
    if (this.members.get(member.datacenter) === member) this.members.delete(member.datacenter);
  }

  datacenter(name: string): NetworkMember | undefined {
    return this.members.get(name);
  }

  /** The datacenter holding the peering record with this ID. */
  holderOf(peeringId: string): NetworkMember | undefined {
    return [...this.members.values()].find((member) => member.hasPeering(peeringId));
  }
}
