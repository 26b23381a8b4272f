/**
 * testcontainers is the middle option of the harness: used only when a Docker engine
 * answers. Loaded lazily so machines without Docker never pay for it beyond one probe.
 */
export interface ContainerService {
  url: string;
  stop(): Promise<void>;
}

let engineAnswers: Promise<boolean> | undefined;

export function dockerEngineAnswers(): Promise<boolean> {
  engineAnswers ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  })();
  return engineAnswers;
}

export async function startContainer(image: 'redis:7' | 'mongo:7'): Promise<ContainerService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = image === 'redis:7' ? 6379 : 27017;
  const container = await new GenericContainer(image)
    .withExposedPorts(port)
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  const scheme = image === 'redis:7' ? 'redis' : 'mongodb';
  return {
    url: `${scheme}://${container.getHost()}:${container.getMappedPort(port)}`,
    stop: async () => {
      await container.stop();
    },
  };
}
