// Once per kernel instance: copies of model data laid out for the kernels' hot loops, in the instance's
// own scratch (the model region stays as packed and shared). Lane-wise f64x2 operations are IEEE
// operations per lane, so sums over these copies keep their scalar order and bits.
import {
  H_N_DONORS, H_N_FACTORS, H_N_GUIDS, H_N_ITEMS, S_DONOR_CONT, S_GUID_RANK, S_ITEM_FEAT, X_DONOR_SOA, X_FEAT_PAIRS,
  X_RANK_GUID, info, sec, xs,
} from './layout';

export function prepareScratch(model: usize, scratch: usize): void {
  // the pair copy is absent (slot offset 0) when the matrix is too large to copy per instance
  if (load<u32>(scratch + (X_FEAT_PAIRS << 2)) != 0) preparePairs(model, xs(scratch, X_FEAT_PAIRS));
  prepareDonors(model, xs(scratch, X_DONOR_SOA));
  prepareRanks(model, xs(scratch, X_RANK_GUID));
}

/** Item rows 2p and 2p+1 side by side per factor; lanes past the last row are never read back. */
function preparePairs(model: usize, pairs: usize): void {
  const nItems = info(model, H_N_ITEMS);
  const F = info(model, H_N_FACTORS);
  const feat = sec(model, S_ITEM_FEAT);
  for (let r = 0; r < nItems; r++) {
    const pairBase = pairs + ((<usize>(r >> 1) * <usize>F) << 4) + (<usize>(r & 1) << 3);
    const row = feat + ((<usize>r * <usize>F) << 3);
    for (let f = 0; f < F; f++) store<f64>(pairBase + (<usize>f << 4), load<f64>(row + (<usize>f << 3)));
  }
}

/** Continuous feature t of donor i at t·nEven + i (nEven = donors rounded up to even). */
function prepareDonors(model: usize, soa: usize): void {
  const nDonors = info(model, H_N_DONORS);
  const nEven = nDonors + (nDonors & 1);
  const cont = sec(model, S_DONOR_CONT);
  for (let t = 0; t < 5; t++) {
    const col = soa + ((<usize>t * <usize>nEven) << 3);
    for (let i = 0; i < nDonors; i++) store<f64>(col + (<usize>i << 3), load<f64>(cont + <usize>i * 40 + (<usize>t << 3)));
    if (nEven != nDonors) store<f64>(col + (<usize>nDonors << 3), 0.0);
  }
}

/** GUID of each rank: touched GUIDs are marked in a bit set by rank and read back in rank order. */
function prepareRanks(model: usize, rankGuid: usize): void {
  const nGuids = info(model, H_N_GUIDS);
  const rank = sec(model, S_GUID_RANK);
  for (let g = 0; g < nGuids; g++) store<i32>(rankGuid + (<usize>load<i32>(rank + (<usize>g << 2)) << 2), g);
}
