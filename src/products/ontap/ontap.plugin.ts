import { OntapPlanChecks } from './ontap-plan-checks.js';
import type { ProductPlugin } from '../product-plugin.js';
import { PeeringParts } from '../parts.js';
import './ontap-model.js';
import { OntapPostureDoc } from './ontap-posture.doc.js';
import { OntapFactsDto, OntapOptionsDto, OntapUpdateDto } from './ontap-options.dto.js';
import { OntapPosture } from './ontap-posture.js';
import { ontapCreateRules, ontapExtraLocks, ontapPeeringOptions, planOntapUpdate, registerOntapCluster } from './ontap-rules.js';
import { OntapAdapter } from './ontap.adapter.js';
import { OntapRestClient } from './ontap-rest-client.js';
import { OntapSecurityClient } from './security/ontap-security.client.js';
import { OntapSecurityExtension } from './security/ontap-security.extension.js';
import { SVM_PEER_PART_DOC } from './svm-peers/svm-peer-part.doc.js';
import { SvmPeersClient } from './svm-peers/svm-peers.client.js';
import { SvmPeersExtension } from './svm-peers/svm-peers.extension.js';

/** NetApp ONTAP cluster peers (`/api/cluster/peers`), with key-manager checks, IPsec policies and SVM peers around them. */
export const ontapPlugin: ProductPlugin = {
  id: 'ontap',
  title: 'ONTAP',
  clustersName: 'NetApp ONTAP clusters',
  adapter: OntapAdapter,
  providers: [OntapRestClient, OntapSecurityClient, SvmPeersClient, PeeringParts],
  extensions: [OntapSecurityExtension, SvmPeersExtension],
  planChecks: OntapPlanChecks,
  posture: OntapPosture,
  registerCluster: registerOntapCluster,
  createRules: ontapCreateRules,
  peeringOptions: ontapPeeringOptions,
  planUpdate: planOntapUpdate,
  extraLocks: ontapExtraLocks,
  partKinds: { svmPeer: { conditionType: 'SvmPeersReady', noun: 'SVM peer' } },
  partsReady: (peering) =>
    (peering.ontap?.svmPeers ?? []).every((pair) => peering.svmPeers?.some((p) => p.local === pair.local && p.remote === pair.remote && p.state === 'ready')),
  blocks: {
    posture: OntapPostureDoc,
    clusterFacts: { type: OntapFactsDto, description: 'ONTAP clusters: the intercluster addresses and the IPspace' },
    peeringCreate: { type: OntapOptionsDto, description: 'ONTAP peerings: the options asked for, defaults applied' },
    peeringUpdate: { type: OntapUpdateDto, description: 'ONTAP peerings: rotation, encryption, remote addresses, SVM peers' },
    peeringState: {
      security: {
        type: 'object',
        additionalProperties: true,
        description:
          'ONTAP peerings: what the gateway found and made for security: `encryption` (read from both peer records), `keyManagers` (the requireKeyManager check), `ipsec` (the policies it owns). Never a secret.',
      },
      svmPeers: SVM_PEER_PART_DOC,
    },
    createExamples: {
      ontap: {
        summary: 'ONTAP: two managed clusters, TLS-PSK',
        value: {
          name: 'east-west',
          local: { cluster: 'ontap-east' },
          remote: { cluster: 'ontap-west' },
          ontap: { encryption: 'tls_psk', passphraseExpiry: 'P1D' },
          labels: { team: 'storage' },
        },
      },
      ontapReady: {
        summary: 'ONTAP: ready to use: the cluster peer and an SVM peer for SnapMirror',
        value: {
          name: 'east-west-dr',
          local: { cluster: 'ontap-east' },
          remote: { cluster: 'ontap-west' },
          ontap: { encryption: 'tls_psk', svmPeers: [{ local: 'svm1', remote: 'svm-data', applications: ['snapmirror'] }] },
          labels: { team: 'storage' },
        },
      },
      ontapIpsec: {
        summary: 'ONTAP: two managed clusters, with IPsec between the data SVMs',
        value: {
          name: 'east-west-ipsec',
          local: { cluster: 'ontap-east' },
          remote: { cluster: 'ontap-west' },
          ontap: { encryption: 'tls_psk', ipsec: { svm: 'svm1', localSubnet: '10.1.10.0/24', remoteSubnet: '10.2.10.0/24', protocol: 'tcp' } },
          labels: { team: 'storage' },
        },
      },
      externalAccept: {
        summary: "One-sided accept: with the far side's secret",
        value: {
          name: 'west-partner',
          local: { cluster: 'ontap-west' },
          remote: { external: { secret: 'the passphrase the far cluster generated', addresses: ['10.9.0.11', '10.9.0.12'] } },
          ontap: { encryption: 'tls_psk' },
        },
      },
    },
  },
};
