// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TargetWeights
/// @notice A portfolio's target weights (int16 basis points) for up to 16 assets packed in one word,
/// so an accepted signal costs one storage write however many assets it names.
library TargetWeights {
    uint8 internal constant MAX_ASSETS = 16;

    function get(uint256 packed, uint8 asset) internal pure returns (int16) {
        return int16(uint16(packed >> (uint256(asset) * 16)));
    }

    function set(uint256 packed, uint8 asset, int16 weight) internal pure returns (uint256) {
        uint256 shift = uint256(asset) * 16;
        return (packed & ~(uint256(0xffff) << shift)) | (uint256(uint16(weight)) << shift);
    }
}
