export { startOntapCluster } from './ontap-sim.js';
export type { OntapClusterSim, OntapClusterSpec, OntapSimOptions } from './ontap-sim.js';
export { OntapNetwork } from './network.js';
export type { OntapSimSettings } from './cluster.js';
export type { OntapPeerRecord } from './peer-record.js';
export { ERRORS as ONTAP_SIM_ERRORS, PEER_CONTACT_FAILURE_CODE, ROUTE_FAILURE_SHAPES, SIMULATOR_ONLY as ONTAP_SIMULATOR_ONLY_CODES } from './errors.js';
export type { RouteFailureShape, RouteFailureSettings } from './errors.js';
export { SVM_PEER_ERRORS, SVM_PEER_SIMULATOR_ONLY } from './svm-peers.js';
export type { SvmPeerRecord, SvmPeerSettings, SvmPeerState } from './svm-peers.js';
