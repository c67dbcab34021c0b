export { ConsulNetwork, startConsulSim } from './consul-sim.js';
export type { ConsulSim, ConsulSimOptions } from './consul-sim.js';
export type { DialerInfo, NetworkMember } from './consul-network.js';
export type { ConsulPeering, PeeringRemote, PeeringState, StoredPeeringState } from './peering-store.js';
export type { ConsulSimSettings, PeeringView } from './peering-service.js';
export type { StreamStatus } from './stream-tracker.js';
export { decodeToken, encodeToken } from './token.js';
export type { PeeringToken } from './token.js';
export { ConsulHttpError, texts as consulErrorTexts } from './errors.js';
