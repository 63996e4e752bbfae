import { downgradeEventTablesV2, upgradeEventTablesV2 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AvailabilityOutboxEnvelopeText1764400000000 implements MigrationInterface {
  name = 'AvailabilityOutboxEnvelopeText1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await upgradeEventTablesV2(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await downgradeEventTablesV2(runner);
  }
}
