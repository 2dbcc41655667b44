/**
 * TAAR's model objects (SPEC §5), by the names TAAR's bucket uses. A model source may hold each as
 * `<key>` (plain JSON) or `<key>.bz2`; `.bz2` wins when both exist because that is what TAAR ships.
 */
export const MODEL_FILES = {
  itemMatrix: 'addon_recommender/item_matrix.json',
  addonMapping: 'addon_recommender/addon_mapping.json',
  whitelist: 'addon_recommender/only_guids_top_200.json',
  donors: 'taar/similarity/donors.json',
  lrCurves: 'taar/similarity/lr_curves.json',
  locale: 'taar/locale/top10_dict.json',
  ensembleWeights: 'taar/ensemble/ensemble_weight.json',
  coinstall: 'taar/lite/guid_coinstallation.json',
  ranking: 'taar/lite/guid_install_ranking.json',
} as const;

export type ModelFileKind = keyof typeof MODEL_FILES;
export const MODEL_FILE_KINDS = Object.keys(MODEL_FILES) as ModelFileKind[];
