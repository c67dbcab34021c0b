export { startOntapCluster } from './ontap-sim.js';
export type { OntapClusterSim, OntapClusterSpec, OntapSimOptions } from './ontap-sim.js';
export { OntapNetwork } from './network.js';
export type { OntapSimSettings } from './cluster.js';
export type { OntapPeerRecord } from './peer-record.js';
export { ONTAP_ROUTE_PROPAGATION_CODE, ERRORS as ONTAP_SIM_ERRORS } from './errors.js';
