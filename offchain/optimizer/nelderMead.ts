export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
}

export interface NelderMeadOptions {
  readonly maxEvaluations?: number;
  /** Stop when the simplex's value spread falls below this. */
  readonly tolerance?: number;
  /** Initial simplex edge length per coordinate. */
  readonly step?: number;
}

/**
 * Nelder–Mead simplex minimisation (reflection 1, expansion 2, contraction ½, shrink ½).
 * Derivative-free and deterministic: QAOA angle landscapes at small p have few parameters and
 * exact (noise-free) energies, where the simplex converges in a few hundred evaluations.
 *
 * @example
 * nelderMead(([a, b]) => (a! - 1) ** 2 + (b! + 2) ** 2, [0, 0]).x; // ≈ [1, -2]
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): MinimizeResult {
  const maxEvaluations = options.maxEvaluations ?? 400;
  const tol = options.tolerance ?? 1e-10;
  const step = options.step ?? 0.1;
  const d = x0.length;
  let evaluations = 0;
  const evalF = (x: number[]): number => {
    evaluations++;
    return f(x);
  };
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < d; i++) {
    const p = x0.slice();
    p[i]! += step;
    simplex.push(p);
  }
  const values = simplex.map(evalF);
  const order = simplex.map((_, i) => i);
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]! || a - b);
    const best = order[0]!;
    const worst = order[d]!;
    const second = order[d - 1]!;
    if (Math.abs(values[worst]! - values[best]!) < tol) break;
    const centroid = new Array<number>(d).fill(0);
    for (const i of order.slice(0, d)) for (let j = 0; j < d; j++) centroid[j]! += simplex[i]![j]! / d;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (simplex[worst]![j]! - c));
    const xr = along(-1);
    const fr = evalF(xr);
    if (fr < values[best]!) {
      const xe = along(-2);
      const fe = evalF(xe);
      if (fe < fr) [simplex[worst], values[worst]] = [xe, fe];
      else [simplex[worst], values[worst]] = [xr, fr];
    } else if (fr < values[second]!) {
      [simplex[worst], values[worst]] = [xr, fr];
    } else {
      const outside = fr < values[worst]!;
      const xc = along(outside ? -0.5 : 0.5);
      const fc = evalF(xc);
      if (fc < (outside ? fr : values[worst]!)) [simplex[worst], values[worst]] = [xc, fc];
      else {
        for (const i of order.slice(1)) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[best]![j]! + 0.5 * (v - simplex[best]![j]!));
          values[i] = evalF(simplex[i]!);
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) if (values[i]! < values[bi]!) bi = i;
  return { x: simplex[bi]!, value: values[bi]!, evaluations };
}
