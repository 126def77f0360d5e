/**
 * Viewable impressions of an entry: stored by the tracking sync; for entries entered before
 * it was stored, derived back from their viewability ratio.
 */
const viewableOf = {
  $ifNull: [
    '$metrics.viewableImpressions',
    {
      $round: [
        {
          $divide: [
            { $multiply: [{ $ifNull: ['$metrics.viewability', 0] }, { $ifNull: ['$metrics.impressions', 0] }] },
            100,
          ],
        },
        0,
      ],
    },
  ],
};

/** The sums of a summary row, over the entries of a group (the kept figures sum them the same way). */
export const entrySums = {
  entries: { $sum: 1 },
  impressions: { $sum: { $ifNull: ['$metrics.impressions', 0] } },
  clicks: { $sum: { $ifNull: ['$metrics.clicks', 0] } },
  viewableImpressions: { $sum: viewableOf },
  reach: { $sum: { $ifNull: ['$metrics.reach', 0] } },
};
