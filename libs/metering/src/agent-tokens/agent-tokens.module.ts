import { Module } from '@nestjs/common';
import { SecretsModule } from '@streamplane/secrets';
import { AgentTokensService } from './agent-tokens.service';

/**
 * Agent tokens alone, for processes that issue or hand them out without ingesting usage (the provisioner,
 * the api's deployments). Needs DbModule and ConfigModule (global).
 */
@Module({ imports: [SecretsModule], providers: [AgentTokensService], exports: [AgentTokensService] })
export class AgentTokensModule {}
