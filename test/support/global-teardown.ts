/** Stops what the global setup started (a redis-server child, a container, the stand-in). */
export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__RICOCHET_HARNESS__ ?? [];
  await Promise.all(services.map((service) => service.stop()));
  globalThis.__RICOCHET_HARNESS__ = undefined;
}
