import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { CreateIndexesOptions, Document, IndexDescriptionInfo, IndexSpecification } from 'mongodb';
import { Connection, Model } from 'mongoose';
import { PERSISTENCE_MODELS } from './persistence.models';

/** What a process does with the indexes at boot (`MONGO_INDEXES`). */
export type IndexBootMode = 'ensure' | 'sync' | 'off';

/** An index the database has with other options (or another key) than this version's schema declares. */
export interface IndexConflict {
  collection: string;
  /** The index's name, as MongoDB lists it. */
  index: string;
  /** MongoDB's error: 85 IndexOptionsConflict or 86 IndexKeySpecsConflict. */
  code: number;
  /** The options the database has, e.g. `{ expireAfterSeconds: 7776000 }`; undefined if it was not found. */
  existing?: Record<string, unknown>;
  /** The options this version declares. */
  declared: Record<string, unknown>;
  /** The warning the service logged. */
  message: string;
}

export interface EnsureIndexesReport {
  /** `collection.index` of every index this call created (empty when all existed). */
  created: string[];
  /** Indexes left as they are because they differ from the schema: `npm run migrate` resolves them. */
  conflicts: IndexConflict[];
}

export interface SyncedCollection {
  collection: string;
  /** Indexes the schema declares that did not exist. */
  created: string[];
  /** Indexes dropped and built again with the schema's options (a TTL whose retention changed). */
  rebuilt: string[];
  /** Indexes no schema declares. */
  dropped: string[];
  /**
   * Indexes no schema declares that were kept because they can support the collection's shard key (a
   * sharded cluster: `sh.shardCollection` made them, and MongoDB routes and balances with them).
   */
  kept: string[];
}

export interface SyncIndexesReport {
  collections: SyncedCollection[];
}

/**
 * Server errors of an index that exists with the same name or key but other options (85
 * IndexOptionsConflict, e.g. a TTL whose retention changed) or another key under the same name (86
 * IndexKeySpecsConflict). An ensure leaves such an index alone and says so.
 */
const CONFLICT_CODES = new Set([85, 86]);
/**
 * Errors another process's concurrent sync can cause (27 IndexNotFound: it dropped the index first; 276
 * IndexBuildAborted): the sync diffs again.
 */
const SYNC_RACE_CODES = new Set([27, 85, 86, 276]);
/** An identical build another process started and aborted (276 IndexBuildAborted): the ensure tries again. */
const ENSURE_RETRY_CODES = new Set([276]);
const MAX_TRIES = 3;

/** Options MongoDB lists with an index that say nothing about what the index does. */
const DESCRIPTIVE_FIELDS = new Set(['v', 'key', 'name', 'ns', 'background']);

type SchemaIndex = [IndexSpecification, CreateIndexesOptions];
type AnyModel = Model<unknown>;

/**
 * Makes the database's indexes match the schemas, in two strengths:
 *
 * - {@link ensureIndexes} (every process at boot, `MONGO_INDEXES=ensure`): creates the indexes that are
 *   missing and nothing else. It never drops, so during a rolling deploy an old-version process cannot
 *   remove an index the new version added, and any number of processes can run it at once (creating an
 *   index that exists is a no-op for MongoDB). An index that exists with other options is left as it is
 *   and named in a warning.
 * - {@link syncIndexes} (`npm run migrate`, once after a deploy): also rebuilds indexes whose options
 *   changed (a TTL after a retention change) and drops indexes no schema declares, except those that
 *   support a sharded collection's shard key.
 */
@Injectable()
export class PersistenceIndexesService {
  private readonly logger = new Logger('MongoIndexes');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async ensureIndexes(): Promise<EnsureIndexesReport> {
    const report: EnsureIndexesReport = { created: [], conflicts: [] };
    for (const { name } of PERSISTENCE_MODELS) {
      const model = this.model(name);
      const before = new Set((await this.listIndexes(model)).map((index) => index.name));
      for (const [key, options] of schemaIndexes(model)) {
        const outcome = await this.ensureIndex(model, key, options);
        if (typeof outcome === 'string') {
          if (!before.has(outcome)) report.created.push(`${model.collection.collectionName}.${outcome}`);
        } else {
          report.conflicts.push(outcome);
          this.logger.warn(outcome.message);
        }
      }
    }
    return report;
  }

  /**
   * The full migration: create, rebuild what changed, drop what no schema declares (except the indexes a
   * sharded collection's shard key needs).
   */
  async syncIndexes(): Promise<SyncIndexesReport> {
    const shardKeys = await this.shardKeys();
    const collections: SyncedCollection[] = [];
    for (const { name } of PERSISTENCE_MODELS) {
      collections.push(await this.syncModel(this.model(name), shardKeys));
    }
    return { collections };
  }

  private model(name: string): AnyModel {
    return this.connection.model(name) as AnyModel;
  }

  /** What `MONGO_INDEXES` asks of a booting process. */
  async atBoot(mode: IndexBootMode): Promise<void> {
    switch (mode) {
      case 'ensure': {
        const { created } = await this.ensureIndexes();
        if (created.length > 0) this.logger.log(`created missing indexes: ${created.join(', ')}`);
        return;
      }
      case 'sync': {
        const changes = describeSync(await this.syncIndexes());
        if (changes.length > 0) this.logger.log(`synced indexes: ${changes.join('; ')}`);
        return;
      }
      case 'off':
        this.logger.log('MONGO_INDEXES=off: indexes are neither checked nor created at boot');
        return;
    }
  }

  /** Creates one index unless it exists; returns its name, or the conflict that kept it as it is. */
  private async ensureIndex(
    model: AnyModel,
    key: IndexSpecification,
    options: CreateIndexesOptions,
  ): Promise<string | IndexConflict> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await model.collection.createIndex(key, options);
      } catch (error) {
        const code = errorCode(error);
        if (CONFLICT_CODES.has(code)) return this.conflict(model, key, options, code);
        if (attempt >= MAX_TRIES || !ENSURE_RETRY_CODES.has(code)) throw error;
      }
    }
  }

  private async conflict(
    model: AnyModel,
    key: IndexSpecification,
    options: CreateIndexesOptions,
    code: number,
  ): Promise<IndexConflict> {
    const collection = model.collection.collectionName;
    const wanted = JSON.stringify(key);
    const existing = (await this.listIndexes(model)).find(
      (index) => index.name === options.name || JSON.stringify(index.key) === wanted,
    );
    const index = existing?.name ?? options.name ?? wanted;
    const declared = meaningfulOptions(options);
    const has = existing && meaningfulOptions(existing);
    const message =
      `MongoDB index ${collection}.${index} differs from this version's schema ` +
      `(database: ${has ? `${JSON.stringify(existing.key)} ${JSON.stringify(has)}` : 'unknown'}; ` +
      `schema: ${wanted} ${JSON.stringify(declared)}). It was left as it is and the process keeps running; ` +
      'run `npm run migrate` once every process runs this version to rebuild it.';
    return { collection, index, code, ...(has ? { existing: has } : {}), declared, message };
  }

  private async syncModel(model: AnyModel, shardKeys: Map<string, Document>): Promise<SyncedCollection> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.syncModelOnce(model, shardKeys.get(model.collection.collectionName));
      } catch (error) {
        if (attempt >= MAX_TRIES || !SYNC_RACE_CODES.has(errorCode(error))) throw error;
      }
    }
  }

  private async syncModelOnce(model: AnyModel, shardKey: Document | undefined): Promise<SyncedCollection> {
    const collection = model.collection.collectionName;
    try {
      await model.createCollection();
    } catch (error) {
      if (errorCode(error) !== 48) throw error; // 48 NamespaceExists
    }
    const diff = await model.diffIndexes({ indexOptionsToCreate: true });
    const toCreate = diff.toCreate as SchemaIndex[];
    const undeclared = diff.toDrop as string[];
    const existing = await this.listIndexes(model);
    const kept = undeclared.filter((name) => {
      const index = existing.find((candidate) => candidate.name === name);
      return shardKey !== undefined && index !== undefined && supportsShardKey(index.key, shardKey);
    });
    const toDrop = undeclared.filter((name) => !kept.includes(name));
    for (const name of toDrop) await model.collection.dropIndex(name);
    const created: string[] = [];
    for (const [key, options] of toCreate) created.push(await model.collection.createIndex(key, options));
    const dropped = new Set(toDrop);
    return {
      collection,
      created: created.filter((name) => !dropped.has(name)),
      rebuilt: created.filter((name) => dropped.has(name)),
      dropped: toDrop.filter((name) => !created.includes(name)),
      kept,
    };
  }

  /**
   * The shard key of each sharded collection of this database (none unless the connection goes through a
   * mongos): read from `config.collections`, which needs read access to the `config` database.
   */
  private async shardKeys(): Promise<Map<string, Document>> {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB is not connected');
    const hello = await db.command({ hello: 1 });
    if (hello.msg !== 'isdbgrid') return new Map();
    const prefix = `${db.databaseName}.`;
    const sharded = await this.connection
      .getClient()
      .db('config')
      .collection<{ _id: string; key?: Document }>('collections')
      .find({
        _id: {
          $in: PERSISTENCE_MODELS.map(({ name }) => prefix + this.model(name).collection.collectionName),
        },
      })
      .toArray();
    return new Map(
      sharded.flatMap((entry) => (entry.key ? [[entry._id.slice(prefix.length), entry.key] as const] : [])),
    );
  }

  private async listIndexes(model: AnyModel): Promise<IndexDescriptionInfo[]> {
    try {
      return (await model.listIndexes()) as IndexDescriptionInfo[];
    } catch (error) {
      if (errorCode(error) === 26) return []; // 26 NamespaceNotFound: the collection does not exist yet
      throw error;
    }
  }
}

/** One line per collection that changed, e.g. `clicks: rebuilt createdAt_1, dropped legacy_1`. */
export function describeSync(report: SyncIndexesReport): string[] {
  return report.collections.flatMap(({ collection, created, rebuilt, dropped, kept }) => {
    const parts = [
      ...(created.length > 0 ? [`created ${created.join(', ')}`] : []),
      ...(rebuilt.length > 0 ? [`rebuilt ${rebuilt.join(', ')}`] : []),
      ...(dropped.length > 0 ? [`dropped ${dropped.join(', ')}`] : []),
      ...(kept.length > 0 ? [`kept ${kept.join(', ')} (shard key)`] : []),
    ];
    return parts.length > 0 ? [`${collection}: ${parts.join('; ')}`] : [];
  });
}

/** Whether an index can support a shard key: the shard key's fields are its leading fields, in order. */
function supportsShardKey(indexKey: Document, shardKey: Document): boolean {
  const indexFields = Object.keys(indexKey);
  return Object.keys(shardKey).every((field, position) => indexFields[position] === field);
}

function schemaIndexes(model: AnyModel): SchemaIndex[] {
  return model.schema.indexes() as unknown as SchemaIndex[];
}

function meaningfulOptions(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !DESCRIPTIVE_FIELDS.has(name)));
}

function errorCode(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : 0;
}
