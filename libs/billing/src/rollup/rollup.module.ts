import { Module } from '@nestjs/common';
import { RollupService } from './rollup.service';

/** Hourly usage roll-ups. Needs ConfigModule and DbModule (global) in the application. */
@Module({ providers: [RollupService], exports: [RollupService] })
export class RollupModule {}
