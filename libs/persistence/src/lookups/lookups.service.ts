import { Injectable } from '@nestjs/common';
import {
  AdvertiserRepository,
  type AdvertiserRecord,
  OfferRepository,
  type OfferRecord,
  SourceRepository,
  type SourceRecord,
} from '@ricochet/persistence';
import { TtlCache } from './ttl-cache';

/**
 * How long another gateway instance may serve a stale advertiser, offer or source after an admin change.
 * The instance that made the change invalidates at once.
 */
export const LOOKUP_TTL_MS = 5_000;

/** Cached reads of the configuration entities the click and postback hot paths need on every request. */
@Injectable()
export class Lookups {
  private readonly advertisers = new TtlCache<AdvertiserRecord | null>(LOOKUP_TTL_MS);
  private readonly offers = new TtlCache<OfferRecord | null>(LOOKUP_TTL_MS);
  private readonly sources = new TtlCache<SourceRecord | null>(LOOKUP_TTL_MS);

  constructor(
    private readonly advertiserRepository: AdvertiserRepository,
    private readonly offerRepository: OfferRepository,
    private readonly sourceRepository: SourceRepository,
  ) {}

  advertiserByToken(token: string): Promise<AdvertiserRecord | null> {
    return this.advertisers.getOrLoad(token, () => this.advertiserRepository.findByPostbackToken(token));
  }

  offer(id: string): Promise<OfferRecord | null> {
    return this.offers.getOrLoad(id, () => this.offerRepository.findById(id));
  }

  source(id: string): Promise<SourceRecord | null> {
    return this.sources.getOrLoad(id, () => this.sourceRepository.findById(id));
  }

  /** Call after creating, changing or deleting an advertiser (its token may have changed too). */
  invalidateAdvertiser(id: string): void {
    this.advertisers.invalidate((_token, value) => value === null || value.id === id);
  }

  invalidateOffer(id: string): void {
    this.offers.invalidate((key) => key === id);
  }

  invalidateSource(id: string): void {
    this.sources.invalidate((key) => key === id);
  }
}
