// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRiskPolicy
/// @notice Risk limits that every accepted signal, recorded fill and custody move is checked against.
interface IRiskPolicy {
    /// @notice Kill-switch levels, each stricter than the one before.
    /// Normal: any signal within limits. NoNewEntries: no position may be opened or flipped.
    /// ReduceOnly: no position may grow. Flatten: only the all-zero target is accepted and the vault
    /// takes no new deposit requests.
    enum KillLevel {
        Normal,
        NoNewEntries,
        ReduceOnly,
        Flatten
    }

    /// @notice Why a signal or fill broke the policy (0 = none).
    enum Violation {
        None,
        AssetNotAllowed,
        WeightAboveMax,
        ShortNotAllowed,
        GrossAboveMax,
        KillNoNewEntries,
        KillReduceOnly,
        KillFlatten,
        FeedInvalid,
        FeedStale,
        PriceDeviation,
        TimestampOutOfOrder
    }

    /// @notice Per-asset limits and the Chainlink reference feed.
    struct AssetConfig {
        address feed; // AggregatorV3Interface reference price feed
        uint16 maxDeviationBps; // max distance of a fill price from the feed
        uint32 maxStaleness; // max age of the feed answer, seconds
        uint8 feedDecimals;
        uint16 maxWeightBps; // 0 = not allowed
        bool shortable;
    }

    /// @notice Portfolio-wide limits, packed in one slot.
    struct Limits {
        uint16 maxGrossBps; // sum of |weight|, e.g. 10000 = 1x
        uint16 maxDailyLossBps; // share-price loss within a day that trips ReduceOnly
        uint16 maxDrawdownBps; // share-price drawdown from the high-water mark that trips Flatten
        uint16 maxOffchainBps; // max share of vault assets held at the venue
        uint16 maxNavChangeBps; // max change of NAV by one report before it is rejected
        uint16 sizeToleranceBps; // slack, in bps of NAV, between a fill and its target
        KillLevel killLevel;
    }

    /// @notice Thrown when an asset index is beyond the policy's universe.
    error RiskPolicyAssetIndexOutOfRange(uint8 index);
    /// @notice Thrown when a guardian's change would loosen a limit.
    error RiskPolicyNotTighter(bytes32 field);
    /// @notice Thrown when a limit value is out of its valid range.
    error RiskPolicyInvalidLimit(bytes32 field);
    /// @notice Thrown when a listed asset has no feed.
    error RiskPolicyInvalidFeed(address feed);

    /// @notice Emitted when an asset's configuration changes.
    event AssetSet(uint8 indexed index, bytes32 indexed symbol, AssetConfig config, address indexed by);
    /// @notice Emitted when the portfolio-wide limits change.
    event LimitsSet(Limits limits, address indexed by);
    /// @notice Emitted when the kill level changes.
    event KillLevelChanged(KillLevel previous, KillLevel current, bytes32 reason, address indexed by);

    function assetCount() external view returns (uint8);
    function assetConfig(uint8 index) external view returns (AssetConfig memory);
    function assetSymbol(uint8 index) external view returns (bytes32);
    function limits() external view returns (Limits memory);
    function killLevel() external view returns (KillLevel);
    function checkSignal(
        uint256 targets,
        uint256 previousTargets
    ) external view returns (Violation violation);
    function signalLimits() external view returns (uint256 caps, uint256 maxGrossBps, KillLevel level);
    function checkPrice(
        uint8 asset,
        uint256 priceE8
    ) external view returns (Violation violation, uint256 feedPriceE8);
    function checkFill(
        uint8 asset,
        uint256 priceE8
    ) external view returns (Violation violation, uint256 feedPriceE8, bool listed);
    function tripBreaker(KillLevel level, bytes32 reason) external;
}
