import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { type AdminKeys, UNAUTHORIZED_BODY } from '../http/api-key.guard';

/** Where the dashboard is served: the page, its static files and its JSON API (`/queues/api/…`). */
export const QUEUE_DASHBOARD_PATH = '/queues';

/** Methods a read-only dashboard answers; anything else could change a queue. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export const READ_ONLY_BODY = {
  statusCode: 405,
  code: 'QUEUE_DASHBOARD_READ_ONLY',
  message: 'the queue dashboard is read-only (QUEUE_DASHBOARD=read-only); only GET is allowed',
} as const;

/** A queue the dashboard lists; a partitioned queue's entries are named by their partition too. */
export interface DashboardQueue {
  queue: Queue;
  partition?: number;
}

export interface QueueDashboardOptions {
  queues: readonly DashboardQueue[];
  keys: AdminKeys;
  readOnly: boolean;
}

/**
 * Mounts bull-board at {@link QUEUE_DASHBOARD_PATH} in a fastify scope of its own, behind the admin
 * API keys (`x-api-key` or `Authorization: Bearer`, never a query parameter: keys stay out of URLs
 * and access logs). Read-only mode is enforced twice: bull-board's own `readOnlyMode` hides and refuses
 * its actions, and this scope answers every method but GET/HEAD with 405 before bull-board sees it.
 */
export function mountQueueDashboard(instance: FastifyInstance, options: QueueDashboardOptions): void {
  const board = new BullBoardFastifyAdapter();
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map(
      ({ queue, partition }) =>
        new BullMQAdapter(queue, {
          readOnlyMode: options.readOnly,
          allowRetries: !options.readOnly,
          // bull-board tells queues apart by name: partitions of one kind share it, so each gets a
          // prefix of its own (`p3-delivery`) and a readable title.
          ...(partition === undefined
            ? {}
            : { prefix: `p${partition}-`, displayName: `${queue.name} (partition ${partition})` }),
        }),
    ),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Ricochet queues' } },
  });
  const plugin = board.registerPlugin();
  void instance.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        if (!options.keys.accepts(request.headers)) {
          await reply
            .code(401)
            .header('WWW-Authenticate', 'Bearer realm="ricochet-admin"')
            .send({ ...UNAUTHORIZED_BODY });
          return;
        }
        if (options.readOnly && !READ_METHODS.has(request.method)) {
          await reply
            .code(405)
            .header('Allow', 'GET, HEAD')
            .send({ ...READ_ONLY_BODY });
        }
      });
      await scope.register(plugin);
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
