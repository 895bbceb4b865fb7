import { SigilError } from "../errors/SigilError.js";

/**
 * Errors of the model layer. `ModelInputError`: the data handed in does not fit the model (other
 * features version, wrong shape, too few rows); `ModelStateError`: the call needs a fitted model;
 * `ModelArtefactError`: a saved artefact is missing, corrupt or does not match its version hash.
 */
export class ModelError extends SigilError {
  override readonly name: string = "ModelError";
}

export class ModelInputError extends ModelError {
  override readonly name: string = "ModelInputError";
}

export class ModelStateError extends ModelError {
  override readonly name: string = "ModelStateError";
}

export class ModelArtefactError extends ModelError {
  override readonly name: string = "ModelArtefactError";
}
