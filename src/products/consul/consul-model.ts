/** A registered Consul datacenter's facts: its admin partition and the addresses its peers dial. */
export interface ConsulClusterFacts {
  partition: string;
  datacenter?: string;
  serverExternalAddresses: string[];
}

/** `consul` on a peering. */
export interface ConsulPeeringOptions {
  meta?: Record<string, string>;
}

declare module '../../clusters/cluster.js' {
  interface ClusterProductFacts {
    consul?: ConsulClusterFacts;
  }
}

declare module '../../peerings/peering.js' {
  interface PeeringProductOptions {
    consul?: ConsulPeeringOptions;
  }
}
