import type { ScoringType } from '../model';

/**
 * How a fanlist rank becomes a score, by the campaign's scoring type. Rank 1 is the best fan;
 * `maxRank` is the highest (worst) valid rank in the file. Both give 1 to rank 1 and 0 to
 * maxRank (1 to everyone when maxRank is 1), equal ranks equal scores, and never leave [0, 1]:
 * - LINEAR: 1 - (rank - 1) / (maxRank - 1), the same step between any two neighbouring ranks;
 * - LOG: 1 - ln(rank) / ln(maxRank), steep among the top ranks and flat in the long tail (of
 *   1,000 ranks, rank 10 scores 0.667 and rank 500 scores 0.100).
 */
export const RANK_FORMULAS: Record<ScoringType, { text: string; score(rank: number, maxRank: number): number }> = {
  LINEAR: {
    text: 'score = 1 - (rank - 1) / (maxRank - 1); 1 when maxRank = 1',
    score: (rank, maxRank) => (maxRank <= 1 ? 1 : clamp(1 - (rank - 1) / (maxRank - 1))),
  },
  LOG: {
    text: 'score = 1 - ln(rank) / ln(maxRank); 1 when maxRank = 1',
    score: (rank, maxRank) => (maxRank <= 1 ? 1 : clamp(1 - Math.log(rank) / Math.log(maxRank))),
  },
};

const clamp = (score: number) => Math.min(1, Math.max(0, score));

/** A rank cell as a positive integer (digits only), or null. */
export function parseRank(cell: string | null | undefined): number | null {
  const text = (cell ?? '').trim();
  if (text === '' || text.length > 15) return null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return null;
  }
  const rank = Number(text);
  return rank >= 1 ? rank : null;
}
