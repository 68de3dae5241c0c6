import { Module } from '@nestjs/common';
import { CreditsService } from './credits.service';

/** Credit grants. Needs ConfigModule (global) in the application; the sign-up flow imports it. */
@Module({ providers: [CreditsService], exports: [CreditsService] })
export class CreditsModule {}
