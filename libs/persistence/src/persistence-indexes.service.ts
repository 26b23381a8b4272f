import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { PERSISTENCE_MODELS } from './persistence.models';

/**
 * Server errors a concurrent index sync by another process can cause (IndexNotFound, IndexOptionsConflict,
 * IndexKeySpecsConflict, IndexBuildAborted): a fresh diff resolves them.
 */
const RACE_CODES = new Set([27, 85, 86, 276]);
const MAX_TRIES = 3;

/**
 * Makes the database's indexes match the schemas. Mongoose builds indexes in the background when a model is
 * compiled; apps await this at boot (and tests before asserting uniqueness) so the unique and TTL indexes are
 * known to exist. The schemas own the indexes of Ricochet's collections: an index they no longer declare is
 * dropped, and a TTL index whose retention changed is rebuilt (mongoose `syncIndexes`).
 */
@Injectable()
export class PersistenceIndexesService {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async ensureIndexes(): Promise<void> {
    for (const { name } of PERSISTENCE_MODELS) {
      await this.syncModel(name);
    }
  }

  private async syncModel(name: string): Promise<void> {
    const model = this.connection.model(name);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await model.syncIndexes();
        return;
      } catch (error) {
        if (attempt >= MAX_TRIES || !RACE_CODES.has((error as { code?: number }).code ?? 0)) {
          throw error;
        }
      }
    }
  }
}
