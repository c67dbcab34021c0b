import { ConsulPlanChecks } from './consul-plan-checks.js';
import type { ProductPlugin } from '../product-plugin.js';
import './consul-model.js';
import { ConsulPosture } from './consul-posture.js';
import { consulCreateRules, consulPeeringOptions, planConsulUpdate, registerConsulCluster } from './consul-rules.js';
import { ConsulAdapter } from './consul.adapter.js';

/** HashiCorp Consul cluster peering (`/v1/peering/*`). */
export const consulPlugin: ProductPlugin = {
  id: 'consul',
  title: 'Consul',
  adapter: ConsulAdapter,
  planChecks: ConsulPlanChecks,
  posture: ConsulPosture,
  registerCluster: registerConsulCluster,
  createRules: consulCreateRules,
  peeringOptions: consulPeeringOptions,
  planUpdate: planConsulUpdate,
};
