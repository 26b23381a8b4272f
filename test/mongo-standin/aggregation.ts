import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { badValue, notSupported } from './errors';
import type { CollectionCounters } from './collection';
import { checkHint, guardComparisons, matchingDocuments } from './query';
import type { Store } from './store';
import { type Doc, isPlainObject } from './values';

/**
 * Stages mingo would run against a scratch copy or cannot know about: writing stages would drop their
 * output silently, server-introspection stages have nothing to report.
 */
const REFUSED_STAGES = new Set([
  '$out',
  '$merge',
  '$changeStream',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$geoNear',
]);

/**
 * Runs a pipeline with mingo over one collection (or none for `aggregate: 1`). A leading `$match`
 * is answered from an index when it can be, so countDocuments by key does not scan.
 */
export function runPipeline(
  store: Store,
  db: string,
  target: unknown,
  pipeline: unknown,
  hint?: unknown,
): Doc[] {
  if (!Array.isArray(pipeline)) throw badValue("'pipeline' option must be specified as an array");
  for (const stage of pipeline as unknown[]) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw badValue('A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0];
    if (REFUSED_STAGES.has(name)) throw notSupported(`aggregation stage ${name}`);
  }
  const stages = pipeline as Document[];
  const collection = typeof target === 'string' ? store.collection(db, target) : undefined;
  guardComparisons(collection, stages);
  const natural = checkHint(collection, hint);
  let source: Iterable<Doc> = [];
  let rest = stages;
  if (collection) {
    const leadingMatch = stages[0]?.$match as unknown;
    if (isPlainObject(leadingMatch)) {
      // The leading $match selects the documents exactly as find would, through an index if one helps.
      source = matchingDocuments(collection, leadingMatch, natural);
      rest = stages.slice(1);
    } else {
      collection.counters.collectionScans += 1;
      source = collection.documents();
      if (natural === -1) source = [...source].reverse();
      source = counted(source, collection.counters);
    }
  }
  const aggregator = new Aggregator(rest, {
    collectionResolver: (name: string) => [...(store.collection(db, name)?.documents() ?? [])],
  });
  try {
    return aggregator.run<Doc>(source);
  } catch (error) {
    throw badValue(error instanceof Error ? error.message : String(error));
  }
}

function* counted(docs: Iterable<Doc>, counters: CollectionCounters): Iterable<Doc> {
  for (const doc of docs) {
    counters.docsExamined += 1;
    yield doc;
  }
}
