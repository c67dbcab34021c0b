export { registerSecurityApi } from './routes';
export { registerSecurityControl } from './control';
export { SecurityState, DEFAULT_DATA_SVMS } from './state';
export type { SecuritySpec, SecuritySettings, IpsecPolicy, KeyManager, Svm, Certificate } from './state';
export { KM_ERRORS, IPSEC_ERRORS } from './errors';
export { STATUS_OK, STATUS_METROCLUSTER_SYNC } from './key-managers';
