export function lnAt(p: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Math.log(load<f64>(p + (<usize>i << 3))));
}
