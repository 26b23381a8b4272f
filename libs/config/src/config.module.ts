import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { EnvSource, RicochetConfig } from './config.types';
import { loadConfig } from './load-config';

export const RICOCHET_CONFIG = Symbol('RICOCHET_CONFIG');

/** Injects the validated {@link RicochetConfig}. */
export const InjectConfig = (): ParameterDecorator => Inject(RICOCHET_CONFIG);

/**
 * Validates the configuration once and provides it to every module. Apps call `forRoot()` (reads the
 * process environment); tests call `forRoot({ config })` with a config built by `loadConfig`.
 */
@Global()
@Module({})
export class RicochetConfigModule {
  static forRoot(options: { config?: RicochetConfig; env?: EnvSource } = {}): DynamicModule {
    const config = options.config ?? loadConfig(options.env ?? process.env);
    return {
      module: RicochetConfigModule,
      providers: [{ provide: RICOCHET_CONFIG, useValue: config }],
      exports: [RICOCHET_CONFIG],
    };
  }
}
