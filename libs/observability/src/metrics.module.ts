import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Metrics } from './metrics';

/** Makes the process' one Metrics injectable everywhere in a Nest application (workers). */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: Metrics, useValue: metrics }],
      exports: [Metrics],
    };
  }
}
