import type { OptionRule, Support } from '../optionSupport';

/**
 * MongoDB 8.0's aggregation stages and operators, and what the embedded engine does with each:
 * runs it (through mingo, or the engine's own code), runs it with a stated difference, or
 * refuses it with a NotImplemented error naming it. A name MongoDB does not have is refused
 * as MongoDB refuses it (unrecognized stage, unknown operator).
 */

export type Rules = Readonly<Record<string, OptionRule>>;

const rule = (support: Support, note = ''): OptionRule => ({ support, note });
/** One rule for each of the names, given as words separated by white space. */
const all = (names: string, support: Support, note = ''): Rules =>
  Object.fromEntries(
    names
      .trim()
      .split(/\s+/)
      .map((name) => [name, rule(support, note)]),
  );

export const STAGES: Rules = {
  ...all(
    `
      $addFields $bucket $bucketAuto $count $facet $fill $graphLookup $group $limit $lookup $match $project
      $redact $replaceRoot $replaceWith $sample $set $setWindowFields $skip $sort $sortByCount $unionWith $unset
      $unwind
    `,
    'supported',
  ),
  $densify: rule('supported', 'numeric and date ranges'),
  $documents: rule('supported', 'in `db.aggregate()` and in `$lookup`/`$unionWith` pipelines'),
  $out: rule('refused', 'write the results with insertMany'),
  $merge: rule('refused', 'write the results with bulkWrite'),
  $changeStream: rule('refused', 'use `watch()`'),
  $changeStreamSplitLargeEvent: rule('refused', 'use `watch()`'),
  $geoNear: rule('refused', 'no geospatial indexes'),
  $search: rule('refused', 'Atlas Search only'),
  $searchMeta: rule('refused', 'Atlas Search only'),
  $vectorSearch: rule('refused', 'Atlas Vector Search only'),
  $listSearchIndexes: rule('refused', 'Atlas Search only'),
  ...all('$collStats $indexStats $planCacheStats $queryStats $querySettings', 'refused', 'no server statistics'),
  ...all(
    '$currentOp $listLocalSessions $listSessions $listSampledQueries $shardedDataDistribution',
    'refused',
    'no server state to list',
  ),
};

export const QUERY_OPERATORS: Rules = {
  ...all(
    `
      $eq $ne $gt $gte $lt $lte $in $nin $and $or $nor $not $exists $type $mod $regex $options $expr $all
      $elemMatch $size $bitsAllClear $bitsAllSet $bitsAnyClear $bitsAnySet
    `,
    'supported',
  ),
  $text: rule('refused', 'no text indexes'),
  ...all('$geoIntersects $geoWithin $near $nearSphere', 'refused', 'no geospatial queries'),
  $where: rule('refused', 'no server-side JavaScript'),
  $jsonSchema: rule('refused', 'no JSON Schema validation'),
  $comment: rule('refused', 'nothing would record it'),
};

export const UPDATE_OPERATORS: Rules = {
  ...all(
    `
      $set $unset $inc $mul $min $max $rename $currentDate $setOnInsert $addToSet $pop $pull $pullAll $push $bit
      $each $position $slice $sort
    `,
    'supported',
  ),
  '$[]': rule('supported'),
  '$[<identifier>]': rule('supported', 'with `arrayFilters`'),
  $: rule('supported', 'the element the filter matched'),
};

export const PROJECTION_OPERATORS: Rules = {
  $: rule('supported'),
  $elemMatch: rule(
    'differs',
    'on arrays of documents; a condition on scalar elements (`{ $gt: 1 }`) fails with BadValue',
  ),
  $slice: rule('supported', 'a `$slice`-only projection keeps the other fields, as in MongoDB'),
  $meta: rule('refused', 'no text or search scores'),
};

export const EXPRESSION_OPERATORS: Rules = {
  ...all(
    `
      $abs $add $ceil $divide $exp $floor $ln $log $log10 $mod $multiply $pow $round $sqrt $subtract $trunc
      $arrayElemAt $arrayToObject $concatArrays $filter $first $firstN $in $indexOfArray $isArray $last $lastN
      $map $maxN $minN $objectToArray $range $reduce $reverseArray $size $slice $sortArray $zip $bitAnd $bitNot
      $bitOr $bitXor $and $not $or $cmp $eq $gt $gte $lt $lte $ne $cond $ifNull $switch $dateAdd $dateDiff
      $dateFromParts $dateFromString $dateSubtract $dateToParts $dateToString $dateTrunc $dayOfMonth $dayOfWeek
      $dayOfYear $hour $isoDayOfWeek $isoWeek $isoWeekYear $millisecond $minute $month $second $week $year
      $literal $getField $rand $sampleRate $toHashedIndexKey $mergeObjects $setField $unsetField
      $allElementsTrue $anyElementTrue $setDifference $setEquals $setIntersection $setIsSubset $setUnion $concat
      $indexOfBytes $ltrim $regexFind $regexFindAll $regexMatch $replaceAll $replaceOne $rtrim $split
      $strcasecmp $strLenBytes $strLenCP $substr $substrBytes $substrCP $toLower $toUpper $trim $sin $cos $tan
      $asin $acos $atan $atan2 $asinh $acosh $atanh $sinh $cosh $tanh $degreesToRadians $radiansToDegrees
      $convert $isNumber $toBool $toDate $toDecimal $toDouble $toInt $toLong $toString $type $let $avg $max $min
      $sum $stdDevPop $stdDevSamp $median $percentile
    `,
    'supported',
  ),
  ...all('$function $accumulator', 'refused', 'no server-side JavaScript'),
  ...all('$binarySize $bsonSize', 'refused', 'no BSON sizes'),
  $indexOfCP: rule('refused', 'not implemented'),
  $meta: rule('refused', 'no text or search scores'),
  ...all('$toObjectId $toUUID', 'refused', 'not implemented'),
  ...all('$tsIncrement $tsSecond', 'refused', 'not implemented'),
  $sigmoid: rule('differs', 'accepted, though MongoDB 8.0 refuses it (8.2 adds it)'),
};

export const ACCUMULATORS: Rules = {
  ...all(
    `
      $addToSet $avg $bottom $bottomN $count $first $firstN $last $lastN $max $maxN $median $mergeObjects $min
      $minN $percentile $push $stdDevPop $stdDevSamp $sum $top $topN
    `,
    'supported',
  ),
  $accumulator: rule('refused', 'no server-side JavaScript'),
};

export const WINDOW_OPERATORS: Rules = {
  ...all(
    `
      $covariancePop $covarianceSamp $denseRank $derivative $documentNumber $expMovingAvg $integral $linearFill
      $locf $rank $shift
    `,
    'supported',
  ),
  $minMaxScaler: rule('differs', 'accepted, though MongoDB 8.0 refuses it (8.2 adds it)'),
};

/**
 * What compares values under a collation without implementing it: refused when the operation
 * has a collation. Comparisons (`$eq`...`$cmp`, `$in`), filters and `$sort` are collated.
 */
export const REFUSED_UNDER_COLLATION = {
  stages: [
    '$bucket',
    '$bucketAuto',
    '$densify',
    '$fill',
    '$graphLookup',
    '$lookup',
    '$setWindowFields',
    '$sortByCount',
  ],
  operators: [
    '$addToSet',
    '$bottom',
    '$bottomN',
    '$indexOfArray',
    '$max',
    '$maxN',
    '$min',
    '$minN',
    '$setDifference',
    '$setEquals',
    '$setIntersection',
    '$setIsSubset',
    '$setUnion',
    '$sortArray',
    '$top',
    '$topN',
  ],
  updateOperators: ['$addToSet', '$max', '$min', '$pull', '$pullAll'],
} as const;

/** The kind of thing a `$name` is, for error messages: the first table that lists it. */
export function kindOf(name: string): { kind: string; rule: OptionRule } | undefined {
  const tables: Array<[string, Rules]> = [
    ['stage', STAGES],
    ['query operator', QUERY_OPERATORS],
    ['expression operator', EXPRESSION_OPERATORS],
    ['accumulator', ACCUMULATORS],
    ['window operator', WINDOW_OPERATORS],
    ['projection operator', PROJECTION_OPERATORS],
  ];
  for (const [kind, rules] of tables) {
    if (Object.hasOwn(rules, name)) return { kind, rule: rules[name]! };
  }
  return undefined;
}
