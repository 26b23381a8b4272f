import { Injectable } from '@nestjs/common';
import { type AdvertiserRecord, AdvertiserRepository } from '../repositories/advertiser.repository';
import { type OfferRecord, OfferRepository } from '../repositories/offer.repository';
import { type SourceRecord, SourceRepository } from '../repositories/source.repository';
import { TtlCache } from './ttl-cache';

/**
 * The longest a process may use an advertiser, offer or source after an admin change. The process that
 * made the change drops it at once and announces it to every other process (Redis pub/sub), which drop
 * it as soon as the message arrives; the TTL bounds the rare case of a lost message.
 */
export const LOOKUP_TTL_MS = 5_000;

export type ConfigEntityKind = 'advertiser' | 'offer' | 'source';

/** Told when this process changed a configuration entity, so other processes can be told too. */
export type ConfigChangeListener = (kind: ConfigEntityKind, id: string) => void;

/**
 * Cached reads of the configuration entities every click, postback and conversion needs (advertisers,
 * offers, sources with their endpoints), shared by the gateway's hot paths, the worker, and the admin
 * API (which invalidates). Misses are cached briefly too, so a flood of wrong tokens or ids does not
 * reach MongoDB each time.
 */
@Injectable()
export class Lookups {
  private readonly advertisersByToken = new TtlCache<AdvertiserRecord | null>(LOOKUP_TTL_MS);
  private readonly advertisers = new TtlCache<AdvertiserRecord | null>(LOOKUP_TTL_MS);
  private readonly offers = new TtlCache<OfferRecord | null>(LOOKUP_TTL_MS);
  private readonly sources = new TtlCache<SourceRecord | null>(LOOKUP_TTL_MS);
  private readonly listeners: ConfigChangeListener[] = [];

  constructor(
    private readonly advertiserRepository: AdvertiserRepository,
    private readonly offerRepository: OfferRepository,
    private readonly sourceRepository: SourceRepository,
  ) {}

  advertiserByToken(token: string): Promise<AdvertiserRecord | null> {
    return this.advertisersByToken.getOrLoad(token, () =>
      this.advertiserRepository.findByPostbackToken(token),
    );
  }

  advertiser(id: string): Promise<AdvertiserRecord | null> {
    return this.advertisers.getOrLoad(id, () => this.advertiserRepository.findById(id));
  }

  offer(id: string): Promise<OfferRecord | null> {
    return this.offers.getOrLoad(id, () => this.offerRepository.findById(id));
  }

  source(id: string): Promise<SourceRecord | null> {
    return this.sources.getOrLoad(id, () => this.sourceRepository.findById(id));
  }

  /** Registers who announces this process's changes to the others. */
  onChange(listener: ConfigChangeListener): void {
    this.listeners.push(listener);
  }

  /** Call after creating, changing or deleting an advertiser (its token may have changed too). */
  invalidateAdvertiser(id: string): void {
    this.changed('advertiser', id);
  }

  invalidateOffer(id: string): void {
    this.changed('offer', id);
  }

  invalidateSource(id: string): void {
    this.changed('source', id);
  }

  /** Drops a cached entity without announcing it (another process announced the change). */
  drop(kind: ConfigEntityKind, id: string): void {
    switch (kind) {
      case 'advertiser':
        this.advertisers.invalidate((key) => key === id);
        this.advertisersByToken.invalidate((_token, value) => value === null || value.id === id);
        return;
      case 'offer':
        this.offers.invalidate((key) => key === id);
        return;
      case 'source':
        this.sources.invalidate((key) => key === id);
        return;
    }
  }

  private changed(kind: ConfigEntityKind, id: string): void {
    this.drop(kind, id);
    for (const listener of this.listeners) listener(kind, id);
  }
}
