import { Injectable } from '@nestjs/common';
import { PrismaService } from '@streamplane/db';

export type MeterAggregation = 'SUM' | 'MAX' | 'UNIQUE_COUNT' | 'LATEST';

/** A usage dimension (seeded by migration): what is measured, in which unit, and how it aggregates. */
export interface Meter {
  dimension: string;
  displayName: string;
  unit: string;
  aggregation: MeterAggregation;
  description: string;
}

interface MeterCatalog {
  list: readonly Meter[];
  byDimension: ReadonlyMap<string, Meter>;
}

/** Meters only change with a migration; re-reading them once a minute is plenty. */
const CACHE_MS = 60_000;

@Injectable()
export class MetersService {
  private cached?: { at: number; catalog: Promise<MeterCatalog> };

  constructor(private readonly prisma: PrismaService) {}

  /** Every meter, ordered by dimension. */
  async list(): Promise<readonly Meter[]> {
    return (await this.catalog()).list;
  }

  /** The meters by dimension. */
  async byDimension(): Promise<ReadonlyMap<string, Meter>> {
    return (await this.catalog()).byDimension;
  }

  private catalog(): Promise<MeterCatalog> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const catalog = this.prisma.meter.findMany({ orderBy: { dimension: 'asc' } }).then(
        (rows) => {
          const list = Object.freeze(rows.map((row): Meter => Object.freeze({ ...row })));
          return { list, byDimension: new Map(list.map((meter) => [meter.dimension, meter])) };
        },
        (error: unknown) => {
          this.cached = undefined; // a failed read is not remembered
          throw error;
        },
      );
      this.cached = { at: now, catalog };
    }
    return this.cached.catalog;
  }
}
