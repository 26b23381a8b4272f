/** Reads the receiver process's records over its control API (see receiver.ts). */
import type { Proc } from './processes';

export interface ReceivedRecords {
  ids: string[];
  times: number[];
}

export class ReceiverClient {
  constructor(
    readonly proc: Proc,
    readonly url: string,
  ) {}

  async progress(group: string): Promise<{ unique: number; total: number }> {
    return this.get(`/_bench/progress?group=${encodeURIComponent(group)}`);
  }

  async records(group: string): Promise<ReceivedRecords> {
    return this.get(`/_bench/records?group=${encodeURIComponent(group)}`);
  }

  async summary(): Promise<{ total: number; unattributed: number }> {
    return this.get('/_bench/summary');
  }

  private async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`receiver ${path}: ${response.status}`);
    return (await response.json()) as T;
  }
}
