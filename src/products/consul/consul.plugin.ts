import { ConsulPlanChecks } from './consul-plan-checks.js';
import type { ProductPlugin } from '../product-plugin.js';
import { PeeringParts } from '../parts.js';
import './consul-model.js';
import { ConsulPostureDoc } from './consul-posture.doc.js';
import { ConsulFactsDto, ConsulOptionsDto, ConsulUpdateDto } from './consul-options.dto.js';
import { ConsulPosture } from './consul-posture.js';
import { consulCreateRules, consulPeeringOptions, planConsulUpdate, registerConsulCluster } from './consul-rules.js';
import { ConsulAdapter } from './consul.adapter.js';
import { CONSUL_SETTINGS } from './consul-settings.js';
import { EXPORT_PARTS_DOC } from './exports/export-part.doc.js';
import { ExportedServicesClient } from './exports/exported-services.client.js';
import { ConsulExportsExtension } from './exports/exports.extension.js';

/** HashiCorp Consul cluster peering (`/v1/peering/*`), with the services exported over it. */
export const consulPlugin: ProductPlugin = {
  id: 'consul',
  title: 'Consul',
  clustersName: 'HashiCorp Consul datacenters',
  settings: CONSUL_SETTINGS,
  secretHeaders: ['x-consul-token'],
  adapter: ConsulAdapter,
  providers: [ExportedServicesClient, PeeringParts],
  extensions: [ConsulExportsExtension],
  planChecks: ConsulPlanChecks,
  posture: ConsulPosture,
  registerCluster: registerConsulCluster,
  createRules: consulCreateRules,
  peeringOptions: consulPeeringOptions,
  planUpdate: planConsulUpdate,
  partKinds: { export: { conditionType: 'ServicesExported', noun: 'exported service' } },
  partsReady: (peering) =>
    (['local', 'remote'] as const).every((side) =>
      (peering.consul?.exports?.[side] ?? []).every((service) => peering.exports?.[side].some((p) => p.service === service && p.state === 'ready')),
    ),
  blocks: {
    posture: ConsulPostureDoc,
    clusterFacts: { type: ConsulFactsDto, description: 'Consul datacenters: the partition, the datacenter and the addresses peers dial' },
    peeringCreate: { type: ConsulOptionsDto, description: 'Consul peerings: the options asked for' },
    peeringUpdate: { type: ConsulUpdateDto, description: 'Consul peerings: token rotation, exported services' },
    peeringState: { exports: EXPORT_PARTS_DOC },
    createExamples: {
      consul: {
        summary: 'Consul: two managed datacenters',
        value: {
          name: 'dc1-dc2',
          local: { cluster: 'consul-dc1' },
          remote: { cluster: 'consul-dc2' },
          consul: { meta: { env: 'prod' } },
          labels: { team: 'mesh' },
        },
      },
      consulReady: {
        summary: 'Consul: ready to use: the peering and services exported both ways',
        value: {
          name: 'dc1-dc2-shared',
          local: { cluster: 'consul-dc1' },
          remote: { cluster: 'consul-dc2' },
          consul: { exports: { local: ['web', 'api'], remote: ['db'] } },
          labels: { team: 'mesh' },
        },
      },
      externalOffer: {
        summary: 'One-sided offer: the secret is in the first GET of the operation',
        value: { name: 'dc1-partner', local: { cluster: 'consul-dc1' }, remote: { external: {} }, labels: { partner: 'acme' } },
      },
    },
  },
};
