// quadprog ships no types. Arrays are 1-indexed (a port of the Fortran original): index 0 unused.
declare module "quadprog" {
  export interface QpResult {
    solution?: number[];
    value?: number[];
    message: string;
  }
  export function solveQP(
    Dmat: number[][],
    dvec: number[],
    Amat: number[][],
    bvec: number[],
    meq?: number,
    factorized?: number[],
  ): QpResult;
}
