import { OntapPlanChecks } from './ontap-plan-checks.js';
import type { ProductPlugin } from '../product-plugin.js';
import './ontap-model.js';
import { OntapPosture } from './ontap-posture.js';
import { ontapCreateRules, ontapExtraLocks, ontapPeeringOptions, planOntapUpdate, registerOntapCluster } from './ontap-rules.js';
import { OntapAdapter } from './ontap.adapter.js';
import { OntapSecurityClient } from './security/ontap-security.client.js';
import { OntapSecurityExtension } from './security/ontap-security.extension.js';

/** NetApp ONTAP cluster peers (`/api/cluster/peers`), with key-manager checks and IPsec policies around them. */
export const ontapPlugin: ProductPlugin = {
  id: 'ontap',
  title: 'ONTAP',
  adapter: OntapAdapter,
  providers: [OntapSecurityClient],
  extensions: [OntapSecurityExtension],
  planChecks: OntapPlanChecks,
  posture: OntapPosture,
  registerCluster: registerOntapCluster,
  createRules: ontapCreateRules,
  peeringOptions: ontapPeeringOptions,
  planUpdate: planOntapUpdate,
  extraLocks: ontapExtraLocks,
};
