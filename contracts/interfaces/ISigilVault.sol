// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISigilVault
/// @notice What other Sigil contracts read from the vault.
interface ISigilVault {
    /// @notice Total assets and time at the last settled NAV report.
    function lastNav() external view returns (uint128 totalAssets, uint64 timestamp);
    /// @notice The current epoch; requests made now are fulfilled when this epoch settles.
    function currentEpoch() external view returns (uint64);
}
