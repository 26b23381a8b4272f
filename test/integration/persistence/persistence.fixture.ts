import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import { PersistenceIndexesService, PersistenceModule, PersistenceOptions } from '@ricochet/persistence';
import { Connection, Types } from 'mongoose';
import { SuiteContext } from '../../support/suite';

/** A Nest testing module with the persistence lib on the suite's own database, indexes built. */
export interface PersistenceFixture {
  moduleRef: TestingModule;
  connection: Connection;
  /** Drops the suite's database and closes the module. */
  close(): Promise<void>;
}

export async function openPersistence(
  ctx: SuiteContext,
  options: PersistenceOptions = {},
): Promise<PersistenceFixture> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      MongooseModule.forRoot(ctx.mongoUrl, { retryAttempts: 1, retryDelay: 200, monitorCommands: true }),
      PersistenceModule.forRoot(options),
    ],
  }).compile();
  await moduleRef.get(PersistenceIndexesService).ensureIndexes();
  const connection = moduleRef.get<Connection>(getConnectionToken());
  return {
    moduleRef,
    connection,
    close: async () => {
      await connection.dropDatabase();
      await moduleRef.close();
    },
  };
}

/** A fresh 24-hex id, as the apps pass ids around. */
export function newId(): string {
  return new Types.ObjectId().toHexString();
}
