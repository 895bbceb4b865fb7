// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISigilVault
/// @notice The vault's errors (shared with its NavGuard, which checks NAV reports on its behalf) and what
/// other Sigil contracts read from the vault.
interface ISigilVault {
    /// @notice Thrown by the synchronous ERC-4626 entry points: use request then claim.
    error SigilVaultAsyncOnly();
    /// @notice Thrown for a zero amount.
    error SigilVaultZeroAmount();
    /// @notice Thrown for a deposit request while total assets already reach the cap.
    error SigilVaultCapReached(uint256 totalAssets, uint256 cap);
    /// @notice Thrown for a deposit request while deposits are paused or the kill level is Flatten.
    error SigilVaultDepositsPaused();
    /// @notice Thrown for a deposit request while assets are off-chain and the last NAV is older than its TTL.
    error SigilVaultNavStale(uint64 lastNav, uint256 ttl);
    /// @notice Thrown when a controller has nothing settled to claim.
    error SigilVaultNothingToClaim(address controller);
    /// @notice Thrown when a controller has no request that may still be cancelled (the cut-off passed).
    error SigilVaultNothingToCancel(address controller, uint64 cutoff);
    /// @notice Thrown for a redeem request after the cut-off while an earlier one waits, deferred, in its slot.
    error SigilVaultRequestPending(uint64 batch);
    /// @notice Thrown when custody asks for more than the idle assets.
    error SigilVaultInsufficientIdle(uint256 requested, uint256 idle);
    /// @notice Thrown when a custody move would exceed the policy's off-chain allocation.
    error SigilVaultOffchainLimit(int256 wouldBe, uint256 limit);
    /// @notice Thrown for a NAV report whose sequence is not above the last one (a replay).
    error SigilVaultStaleSequence(uint64 last, uint64 actual);
    /// @notice Thrown for a NAV report past its deadline.
    error SigilVaultReportExpired(uint64 deadline);
    /// @notice Thrown for a NAV report that names another vault.
    error SigilVaultWrongVault(address reported);
    /// @notice Thrown for a NAV report of another epoch.
    error SigilVaultWrongEpoch(uint64 expected, uint64 actual);
    /// @notice Thrown for a valuation in the future or before the last settled one.
    error SigilVaultBadNavTimestamp(uint64 timestamp);
    /// @notice Thrown for a valuation before the epoch's cut-off: requests up to the cut-off would settle at
    /// a price valued before them.
    error SigilVaultValuedBeforeCutoff(uint64 timestamp, uint64 cutoff);
    /// @notice Thrown for a valuation older than the schedule's max NAV age.
    error SigilVaultNavTooOld(uint64 timestamp, uint256 maxAge);
    /// @notice Thrown when a report claims the venue received more custody than the vault ever sent.
    error SigilVaultCustodyMismatch(uint256 reportedSent, uint256 sent);
    /// @notice Thrown for a fee rate above its hard cap.
    error SigilVaultFeeAboveCap(bytes32 fee);
    /// @notice Thrown for a schedule value outside its bounds.
    error SigilVaultInvalidSchedule(bytes32 field);
    /// @notice Thrown for the zero address where an account is required.
    error SigilVaultZeroAddress();

    /// @notice Total assets and time at the last settled NAV report.
    function lastNav() external view returns (uint128 totalAssets, uint64 timestamp);
    /// @notice The epoch that settles next.
    function currentEpoch() external view returns (uint64);
}
