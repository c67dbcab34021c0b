import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module.js';
import { SecretReseal } from './secret-reseal.js';

/** Seals again, at start, what an older key sealed (after a rotation). */
@Module({ imports: [StoresModule], providers: [SecretReseal] })
export class SecretsModule {}
