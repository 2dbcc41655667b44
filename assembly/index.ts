// recscore kernel: pure functions over one shared memory laid out by src/model/kinds/taar/layout.ts.
// Nothing here allocates: JS owns every byte and passes the model base and this instance's scratch base.
export { collaborative } from './collaborative';
export { similarity, prepareLr, nearestLr } from './similarity';
export { lite } from './lite';
export { ensemble } from './ensemble';
export { scoreSets } from './score';

/** End of the kernel's static data: the model region must start at or after it. */
export function heapBase(): usize {
  return __heap_base;
}
