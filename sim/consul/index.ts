export { ConsulNetwork, startConsulSim } from './consul-sim';
export type { ConsulSim, ConsulSimOptions } from './consul-sim';
export type { DialerInfo, NetworkMember } from './consul-network';
export type { ConsulPeering, PeeringRemote, PeeringState, StoredPeeringState } from './peering-store';
export type { ConsulSimSettings, PeeringView } from './peering-service';
export type { StreamStatus } from './stream-tracker';
export { decodeToken, encodeToken } from './token';
export type { PeeringToken } from './token';
export { ConsulHttpError, texts as consulErrorTexts } from './errors';
