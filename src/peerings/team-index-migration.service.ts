import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { PeeringStore } from '../stores/peering.store.js';

/**
 * Peerings written before teams carry no `team`: they read as team `default` (teamOf) but are in
 * no team's index, so a `default` caller's list missed them. Once, at start, each such peering is
 * added to the `default` index. Idempotent (an index is a set): a start that dies half-way is
 * finished by the next one; once done, a marker in Redis makes later starts skip the scan.
 */
@Injectable()
export class TeamIndexMigration implements OnApplicationBootstrap {
  constructor(
    private readonly peerings: PeeringStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: a list answered right after start already sees every peering in its team.
    await this.run().catch((err: Error) => this.logger.warn({ err: err.message }, 'indexing pre-team peerings failed; the next start tries again'));
  }

  /** The number of peerings added to the `default` team's index (0 when already done). */
  async run(): Promise<number> {
    if (await this.peerings.isMigrated(MIGRATION)) return 0;
    const indexed = await this.peerings.indexPreTeamPeerings();
    await this.peerings.markMigrated(MIGRATION);
    this.logger.info({ migration: MIGRATION, indexed }, "pre-team peerings added to the 'default' team's index");
    return indexed;
  }
}

const MIGRATION = 'peerings-team-index';
