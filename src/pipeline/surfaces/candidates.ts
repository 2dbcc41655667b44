/** What flows between a surface's stages: candidates with their provenance (which sources proposed them). */
import type { WeightedList } from '../../recommend/contracts.js';

/** One source's proposal of an item: the source's name, the item's 0-based rank in its list, its score. */
export interface Provenance {
  source: string;
  rank: number;
  score: number;
}

export interface Candidate {
  item: string;
  /** The score of the proposal that placed it first (the blend's order is the ranking). */
  score: number;
  /** Every source that proposed the item, in the order the blend met them. */
  sources: Provenance[];
}

/** One source's answer, as the blend reads it. */
export interface SourceList {
  name: string;
  weight: number;
  list: WeightedList;
}

/** A blended entry before dedup: a proposal, possibly of an item already proposed by another source. */
export interface Proposal extends Provenance {
  item: string;
}
