import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EnvName } from '@ricochet/config';
import { createGatewayApp } from '../../../apps/gateway/src/gateway.app';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface ApiResponse {
  status: number;
  // Response bodies are asserted field by field; a loose type keeps the specs readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A listening gateway on the suite's own database, and a client for its admin API. */
export interface AdminConfigFixture {
  app: NestFastifyApplication;
  /** Calls the admin API with the test key, or with `headers` instead when given. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function openAdminConfig(
  suite: string,
  env: Partial<Record<EnvName, string>> = {},
): Promise<AdminConfigFixture> {
  const app = await createGatewayApp(testConfig(suiteContext(suite), env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    api: async (method, path, body, headers = { 'x-api-key': ADMIN_KEY }) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    close: () => app.close(),
  };
}
