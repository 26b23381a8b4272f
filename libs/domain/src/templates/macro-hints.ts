import { allowedMacros, type TemplateKind } from './macros';

/** Lower case without `_` and `-`: `CLICK_ID`, `click-id` and `clickid` fold alike. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** What other trackers call our macros (folded names), from the research's macro dictionary. */
const SYNONYMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    payout: ['payout', 'sum', 'amount', 'price', 'cpa', 'value', 'commission', 'affpayout'],
    revenue: ['revenue', 'rev'],
    status: ['status', 'cnvstatus', 'convstatus', 'conversionstatus', 'conversion'],
    txid: ['txid', 'tid', 'transactionid', 'orderid', 'oid', 't202txid', 'actionid', 'leadid'],
    event: ['event', 'goal', 'et', 'type', 'eventname', 'goalid', 'goalalias'],
    currency: ['currency', 'cur', 'cnvcurrency'],
    offer_id: ['offerid', 'offer'],
    source_id: ['sourceid', 'source', 'affid', 'affiliateid', 'publisherid', 'pubid'],
    country: ['country', 'geo', 'countrycode'],
    timestamp: ['timestamp', 'ts', 'time', 'unixtime', 'unix'],
    iso_time: ['isotime', 'date', 'datetime'],
    conversion_id: ['conversionid', 'convid'],
  }).flatMap(([macro, words]) => words.map((word): [string, string] => [word, macro])),
);

/** Names other trackers give to a click id. */
const CLICK_ID_WORDS: ReadonlySet<string> = new Set([
  'subid',
  'clickid',
  'cid',
  'visitorid',
  'externalid',
  'extclickid',
  'conversionstracking',
  'affclickid',
  'reqid',
  'hit',
  'trackingid',
  'refid',
]);

/** `s2`, `sub_2`, `sub_id_2`, `subid2`, `aff_sub2`, `c2`, `param2` (folded) → `sub2`; `aff_sub` → `sub1`. */
function subMacroFor(folded: string): string | undefined {
  if (folded === 'affsub') return 'sub1';
  const match = /^(?:s|sub|subid|affsub|c|param)(\d{1,2})$/.exec(folded);
  const n = match ? Number(match[1]) : 0;
  return n >= 1 && n <= 10 ? `sub${n}` : undefined;
}

/**
 * Our macro for another tracker's name: click-id words mean the source's own click id
 * (`{ext_click_id}`) in forward templates and our click id (`{click_id}`) in offer URLs.
 */
export function equivalentMacro(name: string, kind: TemplateKind): string | undefined {
  const folded = fold(name);
  if (CLICK_ID_WORDS.has(folded)) return kind === 'offer-url' ? 'click_id' : 'ext_click_id';
  return SYNONYMS.get(folded) ?? subMacroFor(folded);
}

/** Edit distance, capped: returns `limit + 1` as soon as the distance must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/**
 * A "did you mean" hint for an unknown `{name}`: a macro that differs only in case, `_` or `-`
 * (`{clickid}` → `{click_id}`), then another tracker's word for one of ours (`{sum}` → `{payout}`),
 * then a macro within two typos (`{paoyut}` → `{payout}`). Undefined when nothing is close.
 */
export function suggestMacro(name: string, kind: TemplateKind): string | undefined {
  const allowed = allowedMacros(kind);
  const folded = fold(name);
  const sameWord = allowed.find((macro) => fold(macro) === folded);
  if (sameWord === 'click_id' && kind !== 'offer-url') {
    return 'did you mean {click_id}? Use {ext_click_id} for the source’s own click id';
  }
  const candidate = sameWord ?? equivalentMacro(name, kind);
  if (candidate) return `did you mean {${candidate}}?`;
  if (folded.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const macro of allowed) {
    const distance = editDistance(folded, fold(macro), 2);
    if (distance < bestDistance) {
      best = macro;
      bestDistance = distance;
    }
  }
  return best ? `did you mean {${best}}?` : undefined;
}

/** The closing advice for a token we cannot map: our syntax and the macros this kind offers. */
export function macroListHint(kind: TemplateKind): string {
  const names = allowedMacros(kind).map((m) => `{${m}}`);
  const postback = kind === 'offer-url' ? '' : ', {postback.NAME}';
  return `use {…} macros: ${names.join(' ')}${postback}`;
}
