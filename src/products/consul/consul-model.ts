import type { ConsulExports, ExportParts } from './exports/export-model.js';

/** A registered Consul datacenter's facts: its admin partition and the addresses its peers dial. */
export interface ConsulClusterFacts {
  partition: string;
  datacenter?: string;
  serverExternalAddresses: string[];
}

/** `consul` on a peering. */
export interface ConsulPeeringOptions {
  meta?: Record<string, string>;
  /** Services each side exports to the other (exports/). */
  exports?: ConsulExports;
}

declare module '../../domain/cluster.js' {
  interface ClusterProductFacts {
    consul?: ConsulClusterFacts;
  }
}

declare module '../../domain/peering.js' {
  interface PeeringProductOptions {
    consul?: ConsulPeeringOptions;
  }
  interface PeeringProductState {
    /** The exported services asked for, with their states and what the gateway added to the entry. */
    exports?: ExportParts;
  }
}
