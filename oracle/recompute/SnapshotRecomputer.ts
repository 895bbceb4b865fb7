import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import {
  decideFromSnapshot,
  maProviderOf,
  modelHashOf,
  SnapshotIntegrityError,
  weightsToTargets,
  type InputSnapshot,
} from "../../offchain/engine/InputSnapshot.js";
import { hashOfRef, type SnapshotSource } from "../../offchain/engine/SnapshotStore.js";
import { loadModel } from "../../offchain/models/loadModel.js";
import { modelScoreProvider } from "../../offchain/strategy/modelScoreProvider.js";
import type { ScoreProvider } from "../../offchain/strategy/ScoreProvider.js";
import type { DecisionRecomputer, RecomputeRequest, RecomputeResult } from "./DecisionRecomputer.js";

/**
 * Model kinds whose predictions are bit-stable across machines in the pinned runtime. LSTM inference
 * goes through TensorFlow kernels whose float summation order depends on the backend: not re-computable
 * (a node configured to re-compute refuses such a signal).
 */
const DETERMINISTIC_MODEL_KINDS = new Set(["ma-momentum", "gradient-boosting"]);
/** Solvers that are pure functions of their input and seed (no wall-clock time-outs, no workers). */
const DETERMINISTIC_SOLVERS = new Set(["exact", "greedy", "annealing"]);

export interface SnapshotRecomputerOptions {
  source: SnapshotSource;
  /** Decision symbol → this node's risk-policy asset index (from its own deployment file). */
  indexOf: (symbol: string) => number | undefined;
  /** Directory holding model artefacts; model specs name a directory inside it. */
  artefactRoot?: string;
}

/**
 * The production recomputer: fetch the snapshot named by the signal's `inputsHash`, verify it,
 * rebuild the provider from its spec, re-run `decideTargets` with the snapshot's config, seed and a
 * clock fixed at decision time, and pack the weights exactly as the engine does.
 */
export class SnapshotRecomputer implements DecisionRecomputer {
  constructor(private readonly o: SnapshotRecomputerOptions) {}

  async recompute(request: RecomputeRequest): Promise<RecomputeResult> {
    const hash = request.inputsHash.toLowerCase();
    const refHash = hashOfRef(request.inputSnapshotRef);
    if (refHash !== undefined && refHash !== hash)
      return invalid(`inputSnapshotRef names ${refHash}, the signal's inputsHash is ${hash}`);
    let snapshot: InputSnapshot;
    try {
      snapshot = await this.o.source.get(hash);
    } catch (err) {
      // Tampered bytes are the engine's fault (invalid); an unreachable store is not (thrown: the
      // node refuses as recompute_unavailable).
      if (err instanceof SnapshotIntegrityError) return invalid(err.message);
      throw err;
    }
    if (!DETERMINISTIC_SOLVERS.has(snapshot.strategy.solver))
      return nonDeterministic(`solver ${snapshot.strategy.solver} is not deterministic`);
    const provider = await this.providerOf(snapshot);
    if ("kind" in provider) return provider;
    const expectedModelHash = modelHashOf([provider.model]);
    if (expectedModelHash !== request.modelHash.toLowerCase())
      return invalid(`modelHash ${request.modelHash}, the snapshot's provider gives ${expectedModelHash}`);
    const decision = await decideFromSnapshot(snapshot, provider);
    return { kind: "deterministic", targets: weightsToTargets(decision.weights, this.o.indexOf).packed };
  }

  private async providerOf(s: InputSnapshot): Promise<ScoreProvider | RecomputeResult> {
    const spec = s.provider;
    if (spec.kind === "ma-momentum") return maProviderOf(spec);
    if (!this.o.artefactRoot) return nonDeterministic("no model artefact root configured on this node");
    const root = resolve(this.o.artefactRoot);
    const dir = resolve(root, spec.artefactDir);
    const rel = relative(root, dir);
    if (rel.startsWith("..") || isAbsolute(rel))
      return invalid(`artefact dir ${spec.artefactDir} escapes the artefact root`);
    let kind: unknown;
    try {
      kind = (JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as { kind?: unknown }).kind;
    } catch (err) {
      return nonDeterministic(`model artefact ${spec.artefactDir} unavailable: ${String(err)}`);
    }
    if (typeof kind !== "string" || !DETERMINISTIC_MODEL_KINDS.has(kind))
      return nonDeterministic(`model kind ${String(kind)} is not bit-reproducible`);
    const model = await loadModel(dir);
    // This node's artefact differs from the engine's: it cannot vouch for the decision.
    if (model.versionHash() !== spec.versionHash)
      return nonDeterministic(
        `artefact ${spec.artefactDir} is ${model.versionHash()}, not ${spec.versionHash}`,
      );
    return modelScoreProvider(model);
  }
}

const invalid = (reason: string): RecomputeResult => ({ kind: "invalid", reason });
const nonDeterministic = (reason: string): RecomputeResult => ({ kind: "non-deterministic", reason });
