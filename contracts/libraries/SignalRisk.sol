// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRiskPolicy} from "../interfaces/IRiskPolicy.sol";
import {TargetWeights} from "./TargetWeights.sol";

/// @title SignalRisk
/// @notice The one implementation of the signal checks: per-asset caps, shorting, gross exposure and
/// kill-switch rules, over packed targets. RiskPolicy exposes it as a view; TradeLedger runs it inline
/// (one policy read instead of a call with the whole signal).
library SignalRisk {
    /// @param targets Packed int16 targets (basis points) per asset index.
    /// @param caps Packed per-asset lanes: low 15 bits max weight (0 = not allowed), bit 15 shortable.
    /// @param maxGrossBps Max sum of |weight|.
    /// @param kill Kill level in force.
    /// @param previous Packed targets of the last accepted signal (read only when `kill` is not Normal).
    function check(
        uint256 targets,
        uint256 caps,
        uint256 maxGrossBps,
        IRiskPolicy.KillLevel kill,
        uint256 previous
    ) internal pure returns (IRiskPolicy.Violation) {
        uint256 gross;
        // Only lanes with a non-zero weight need checking; stop once the rest of the word is zero.
        for (uint8 a = 0; a < TargetWeights.MAX_ASSETS && (targets >> (uint256(a) * 16)) != 0; ++a) {
            int256 w = TargetWeights.get(targets, a);
            if (w == 0) continue;
            uint256 cap = (caps >> (uint256(a) * 16)) & 0xffff;
            uint256 maxWeight = cap & 0x7fff;
            uint256 absW = w < 0 ? uint256(-w) : uint256(w);
            if (maxWeight == 0) return IRiskPolicy.Violation.AssetNotAllowed;
            if (absW > maxWeight) return IRiskPolicy.Violation.WeightAboveMax;
            if (w < 0 && cap & 0x8000 == 0) return IRiskPolicy.Violation.ShortNotAllowed;
            gross += absW;
        }
        if (gross > maxGrossBps) return IRiskPolicy.Violation.GrossAboveMax;
        if (kill == IRiskPolicy.KillLevel.Normal) return IRiskPolicy.Violation.None;
        if (kill == IRiskPolicy.KillLevel.Flatten) {
            return targets == 0 ? IRiskPolicy.Violation.None : IRiskPolicy.Violation.KillFlatten;
        }
        for (uint8 a = 0; a < TargetWeights.MAX_ASSETS; ++a) {
            int256 p = TargetWeights.get(previous, a);
            int256 q = TargetWeights.get(targets, a);
            if (q == 0) continue;
            // Opening (from flat) or flipping sides is a new entry at either level.
            if (p == 0 || (p > 0) != (q > 0)) {
                return
                    kill == IRiskPolicy.KillLevel.NoNewEntries
                        ? IRiskPolicy.Violation.KillNoNewEntries
                        : IRiskPolicy.Violation.KillReduceOnly;
            }
            if (kill == IRiskPolicy.KillLevel.ReduceOnly && (q > 0 ? q > p : q < p)) {
                return IRiskPolicy.Violation.KillReduceOnly;
            }
        }
        return IRiskPolicy.Violation.None;
    }
}
