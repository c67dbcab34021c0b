export { startOntapCluster } from './ontap-sim';
export type { OntapClusterSim, OntapClusterSpec, OntapSimOptions } from './ontap-sim';
export { OntapNetwork } from './network';
export type { OntapSimSettings } from './cluster';
export type { OntapPeerRecord } from './peer-record';
export { ONTAP_ROUTE_PROPAGATION_CODE, ERRORS as ONTAP_SIM_ERRORS } from './errors';
