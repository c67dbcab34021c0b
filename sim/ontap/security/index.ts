export { registerSecurityApi } from './routes.js';
export { registerSecurityControl } from './control.js';
export { SecurityState, DEFAULT_DATA_SVMS } from './state.js';
export type { SecuritySpec, SecuritySettings, IpsecPolicy, KeyManager, Svm, Certificate } from './state.js';
export { KM_ERRORS, IPSEC_ERRORS } from './errors.js';
export { STATUS_OK, STATUS_METROCLUSTER_SYNC } from './key-managers.js';
