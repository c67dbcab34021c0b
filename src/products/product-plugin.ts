import type { Type } from '@nestjs/common';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import type { Cluster } from '../domain/cluster.js';
import type { FieldError } from '../common/problem.js';
import type { Setting } from '../config/setting.js';
import type { HandshakeExtension } from './handshake-extension.js';
import type { Peering } from '../domain/peering.js';
import type { PeeringAdapter } from './port.js';

/** A cluster registration as the product sees it: credentials and the body's product option blocks. */
export interface ClusterRegistration {
  auth: { username?: string; password?: string; token?: string };
  options: Record<string, unknown>;
}

/** What a create asks of a product, once its clusters are resolved (remote is null for an external peer). */
export interface CreateRequest {
  name: string;
  local: Cluster;
  remote: Cluster | null;
  /** The external peer, when there is one: its secret and addresses as the caller gave them. */
  external?: { secret?: string; addresses?: string[] };
  /** The request body's product option blocks, by product id (`{ontap: {...}}`), as validated by the DTOs. */
  options: Record<string, unknown>;
}

/** What an update asks of a product: its option block, applied to the peering as it stands. */
export interface UpdateRequest {
  peering: Peering;
  options: Record<string, unknown>;
}

/** A product's answer to an update: field errors, or what changes on the peering and on the clusters. */
export interface UpdatePlan {
  errors: FieldError[];
  /** The peering's option block for this product after the update. */
  options?: unknown;
  rotateSecret?: boolean;
  remoteAddresses?: string[];
  /** The peering's parts change (SVM peers, exports...): an update operation makes them so. */
  reconcileParts?: boolean;
}

/** A product's view of a cluster's security (key managers, IPsec, ACLs...), read from the cluster now. */
export interface ClusterPosture {
  cluster: string;
  product: string;
  checkedAt: string;
}

/**
 * Everything one product knows, in one place: the gateway's product-neutral code asks the plugin
 * registered for a peering's product and never names a product itself. A product adds one folder
 * under src/products/ and one line in src/products/index.ts.
 */
export interface ProductPlugin {
  /** The product id used in the API (`product`, and the name of its option block). */
  readonly id: string;
  /** Its name for people, in messages. */
  readonly title: string;
  /** The adapter class (a Nest provider) that speaks the product's API. */
  readonly adapter: Type<PeeringAdapter>;
  /** Further Nest providers the product needs (security clients, extensions...). */
  readonly providers?: Type<unknown>[];
  /** Handshake extensions (Nest providers) run around the handshake for this product's peerings only. */
  readonly extensions?: Type<HandshakeExtension>[];
  /** Checks a cluster registration (credentials, product facts) and returns its facts with defaults applied. */
  registerCluster(input: ClusterRegistration): { errors: FieldError[]; facts?: unknown };
  /** Checks a create that needs product knowledge, before anything is written or sent. */
  createRules(request: CreateRequest): FieldError[];
  /** The peering's stored option block for this product, with defaults applied. */
  peeringOptions(request: CreateRequest): unknown;
  /** Checks an update and says what it changes. */
  planUpdate(request: UpdateRequest): UpdatePlan;
  /**
   * Extra uniqueness beyond the peering's name on each managed cluster: lock names (e.g. a cluster
   * pair that the product peers only once), each with what a conflict tells the caller.
   */
  extraLocks?(peering: Peering): { name: string; conflict: (holder: string) => string }[];
  /** Reads a cluster's security posture (a Nest provider). */
  readonly posture: Type<PostureReader>;
  /** The product's checks of a dry run (a Nest provider): reads only, never a write (docs/self-service.md). */
  readonly planChecks?: Type<PlanChecks>;
  /** The product's blocks of the API's bodies and answers, named by its id (validated and documented in OpenAPI). */
  readonly blocks?: ProductBlocks;
  /** Whether every part the peering asked for (SVM peers, exports...) is ready: ACTIVE needs it. Absent: no parts. */
  partsReady?(peering: Peering): boolean;
  /** What its clusters are called, for people, in the API's descriptions (`<title> clusters` when absent). */
  readonly clustersName?: string;
  /** Its settings, read from the environment through the configuration (`config.setting(...)`) and checked at start. */
  readonly settings?: Setting<unknown>[];
  /** Request headers that carry its credentials (lower case): blanked wherever a logged object holds them. */
  readonly secretHeaders?: string[];
  /** Each kind of part the product keeps (as named to PeeringParts.save): the condition that shows it and what one is called. */
  readonly partKinds?: Record<string, { conditionType: string; noun: string }>;
}

/** Where a product's option block goes in the API: each a DTO class, validated and documented as it stands. */
export interface ProductBlocks {
  /** `<id>` on POST /v1/clusters (the product's facts), shown on the cluster too. */
  clusterFacts?: ProductBlock;
  /** `<id>` on POST /v1/peerings (its options), shown on the peering with defaults applied. */
  peeringCreate?: ProductBlock;
  /** `<id>` on PATCH /v1/peerings/{id}. */
  peeringUpdate?: ProductBlock;
  /** Further fields the product keeps on a peering (what it found and made), as OpenAPI describes them. */
  peeringState?: Record<string, ApiPropertyOptions>;
  /** The OpenAPI model of what the posture reader answers (its `product` tells the shapes apart). */
  posture?: Type<object>;
  /** Request examples for POST /v1/peerings, each accepted as sent by the sandbox. */
  createExamples?: Record<string, { summary: string; value: Record<string, unknown> }>;
}

export interface ProductBlock {
  type: Type<object>;
  description: string;
}

/** One check of a dry run: what was found on one side, and what a person can do about it. */
export interface PlanCheck {
  name: string;
  side: 'local' | 'remote';
  status: 'pass' | 'warn' | 'fail';
  message: string;
  /** What to do about a warn or a fail. */
  fix?: string;
}

/** What a dry run asks a product to check: the peering as the real call would make or leave it, and its clusters. */
export interface PlanRequest {
  action: 'create' | 'update' | 'delete';
  peering: Peering;
  local: Cluster;
  /** Null for an external peer. */
  remote: Cluster | null;
}

/** One step the real call would take, in the order it takes them. */
export interface PlanStep {
  side: 'local' | 'remote' | 'gateway';
  action: string;
  description: string;
}

export interface PlanChecks {
  /** The product's checks, from reads on the clusters only. */
  checks(request: PlanRequest): Promise<PlanCheck[]>;
  /** The steps of the product's parts (e.g. SVM peers, exports) that a create takes once the pair is made. */
  partSteps?(request: PlanRequest): PlanStep[];
}

export interface PostureReader {
  /** The cluster's security posture; a product with nothing to read may describe it from the registration. */
  read(cluster: Cluster): Promise<ClusterPosture>;
}
