import { buildMacroValues } from './macro-values';

const conversion = {
  id: '665f1c2e8b3d4a00abcdef01',
  clickId: 'clk1',
  offerId: '665f1c2e8b3d4a0012345678',
  sourceId: '665f1c2e8b3d4a0087654321',
  advertiserId: '665f1c2e8b3d4a0011111111',
  event: 'ftd',
  txid: 'TX-9',
  status: 'approved',
  revenue: 20_000_000,
  payout: 12_345_600,
  currency: 'EUR',
  history: [],
  dedupKey: 'k',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

const click = {
  id: '665f1c2e8b3d4a0022222222',
  clickId: 'clk1',
  offerId: conversion.offerId,
  sourceId: conversion.sourceId,
  advertiserId: conversion.advertiserId,
  extClickId: 'ext-1',
  country: 'DE',
  sub1: 'one',
  sub10: 'ten',
  createdAt: new Date(0),
};

describe('buildMacroValues', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');

  it('maps the conversion, click and postback onto the forward macros', () => {
    const postback = { params: { goal: 'sale' } };
    const values = buildMacroValues({
      status: 'rejected',
      conversion,
      click,
      postbackParams: postback.params,
      now,
    });
    expect(values).toMatchObject({
      click_id: 'clk1',
      ext_click_id: 'ext-1',
      offer_id: conversion.offerId,
      source_id: conversion.sourceId,
      payout: '12.3456',
      revenue: '20.00',
      currency: 'EUR',
      status: 'rejected',
      event: 'ftd',
      txid: 'TX-9',
      conversion_id: conversion.id,
      timestamp: '1767323045',
      iso_time: '2026-01-02T03:04:05.678Z',
      country: 'DE',
      sub1: 'one',
      sub2: undefined,
      sub10: 'ten',
      postback: { goal: 'sale' },
    });
  });

  it('renders click-side macros empty when the click is gone', () => {
    const values = buildMacroValues({ status: 'approved', conversion, click: null, now });
    expect(values.ext_click_id).toBeUndefined();
    expect(values.sub1).toBeUndefined();
    expect(values.click_id).toBe('clk1');
    expect(values.postback).toEqual({});
  });
});
