// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IRiskPolicy} from "../interfaces/IRiskPolicy.sol";
import {SignalRisk} from "../libraries/SignalRisk.sol";
import {TargetWeights} from "../libraries/TargetWeights.sol";
import {Units} from "../libraries/Units.sol";

/// @title RiskPolicy
/// @notice The risk limits in force: asset allow-list with Chainlink reference feeds, weight, gross,
/// deviation, staleness, loss and drawdown breakers, off-chain allocation, and the kill switch.
/// @dev Control is asymmetric: the guardian may only tighten (lower a max, delist, raise the kill level);
/// anything that loosens needs GOVERNANCE_ROLE, which is held by the timelock behind the Governor.
/// Breakers (the vault and ledger) may only raise the kill level.
contract RiskPolicy is IRiskPolicy, AccessControl {
    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant BREAKER_ROLE = keccak256("BREAKER_ROLE");

    /// @notice The tightest NAV-change bound anyone may set: below it, no honest report could ever be
    /// booked or confirmed (at 0 every report would be rejected and redemptions would freeze), so
    /// tightening can never stop honest settlement.
    uint16 public constant MIN_NAV_CHANGE_BPS = 100;

    Limits private _limits;
    uint8 private _assetCount;
    mapping(uint8 index => AssetConfig) private _assets;
    mapping(uint8 index => bytes32) private _symbols;
    /// @dev Per-asset max weight and shortable flag in 16-bit lanes, so a signal reads one slot.
    uint256 private _caps;

    /// @param admin Receives admin and governance roles (the timelock, or the deployer until wired).
    /// @param guardian Receives the guardian role (may be the zero address).
    /// @param initialLimits The portfolio-wide limits to start with.
    constructor(address admin, address guardian, Limits memory initialLimits) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        _validateLimits(initialLimits);
        _limits = initialLimits;
        emit LimitsSet(initialLimits, msg.sender);
    }

    // ---------------------------------------------------------------- governance (may loosen)

    /// @notice List or change an asset. Indices are dense: a new asset takes index `assetCount()`.
    /// @param index Asset index (at most 15).
    /// @param symbol Human-readable symbol, e.g. "BTC", for auditors.
    /// @param config Limits and reference feed; `maxWeightBps == 0` delists.
    function setAsset(
        uint8 index,
        bytes32 symbol,
        AssetConfig calldata config
    ) external onlyRole(GOVERNANCE_ROLE) {
        if (index > _assetCount || index >= TargetWeights.MAX_ASSETS)
            revert RiskPolicyAssetIndexOutOfRange(index);
        _validateAsset(config);
        if (index == _assetCount) _assetCount = index + 1;
        _symbols[index] = symbol;
        _writeAsset(index, config);
    }

    /// @notice Replace the portfolio-wide limits, including the kill level.
    /// @param newLimits The new limits.
    function setLimits(Limits calldata newLimits) external onlyRole(GOVERNANCE_ROLE) {
        _validateLimits(newLimits);
        KillLevel previous = _limits.killLevel;
        _limits = newLimits;
        emit LimitsSet(newLimits, msg.sender);
        if (previous != newLimits.killLevel) {
            emit KillLevelChanged(previous, newLimits.killLevel, "governance", msg.sender);
        }
    }

    /// @notice Set the kill level in either direction.
    /// @param level The new level.
    /// @param reason Short reason recorded in the event.
    function setKillLevel(KillLevel level, bytes32 reason) external onlyRole(GOVERNANCE_ROLE) {
        _setKill(level, reason);
    }

    // ---------------------------------------------------------------- guardian (may only tighten)

    /// @notice Tighten an asset's limits; every field must be at least as strict as now.
    /// @param index Asset index.
    /// @param config New limits; the feed must be unchanged.
    function tightenAsset(uint8 index, AssetConfig calldata config) external onlyRole(GUARDIAN_ROLE) {
        if (index >= _assetCount) revert RiskPolicyAssetIndexOutOfRange(index);
        AssetConfig memory current = _assets[index];
        if (config.feed != current.feed || config.feedDecimals != current.feedDecimals) {
            revert RiskPolicyNotTighter("feed");
        }
        if (config.maxWeightBps > current.maxWeightBps) revert RiskPolicyNotTighter("maxWeightBps");
        if (config.maxDeviationBps > current.maxDeviationBps) revert RiskPolicyNotTighter("maxDeviationBps");
        if (config.maxStaleness > current.maxStaleness) revert RiskPolicyNotTighter("maxStaleness");
        if (config.shortable && !current.shortable) revert RiskPolicyNotTighter("shortable");
        _writeAsset(index, config);
    }

    /// @notice Tighten the portfolio-wide limits; every max must be at most its current value and the
    /// kill level at least its current level.
    /// @param newLimits The new limits.
    function tightenLimits(Limits calldata newLimits) external onlyRole(GUARDIAN_ROLE) {
        Limits memory c = _limits;
        if (newLimits.maxGrossBps > c.maxGrossBps) revert RiskPolicyNotTighter("maxGrossBps");
        if (newLimits.maxDailyLossBps > c.maxDailyLossBps) revert RiskPolicyNotTighter("maxDailyLossBps");
        if (newLimits.maxDrawdownBps > c.maxDrawdownBps) revert RiskPolicyNotTighter("maxDrawdownBps");
        if (newLimits.maxOffchainBps > c.maxOffchainBps) revert RiskPolicyNotTighter("maxOffchainBps");
        if (newLimits.maxNavChangeBps > c.maxNavChangeBps) revert RiskPolicyNotTighter("maxNavChangeBps");
        if (newLimits.sizeToleranceBps > c.sizeToleranceBps) revert RiskPolicyNotTighter("sizeToleranceBps");
        if (newLimits.killLevel < c.killLevel) revert RiskPolicyNotTighter("killLevel");
        _validateLimits(newLimits);
        _limits = newLimits;
        emit LimitsSet(newLimits, msg.sender);
        if (c.killLevel != newLimits.killLevel) {
            emit KillLevelChanged(c.killLevel, newLimits.killLevel, "guardian", msg.sender);
        }
    }

    /// @notice Raise the kill level (the guardian's emergency brake).
    /// @param level The new level; must not be below the current one.
    /// @param reason Short reason recorded in the event.
    function raiseKillLevel(KillLevel level, bytes32 reason) external onlyRole(GUARDIAN_ROLE) {
        if (level < _limits.killLevel) revert RiskPolicyNotTighter("killLevel");
        _setKill(level, reason);
    }

    /// @notice Raise the kill level from an automatic breaker (NAV loss, drawdown, bad fill).
    /// @dev Never lowers the level, so a breaker cannot undo a stricter manual setting.
    /// @param level The level the breaker asks for.
    /// @param reason Which breaker tripped.
    function tripBreaker(KillLevel level, bytes32 reason) external onlyRole(BREAKER_ROLE) {
        if (level > _limits.killLevel) _setKill(level, reason);
    }

    // ---------------------------------------------------------------- checks

    /// @notice Check a signal's packed targets against the limits and kill level in force.
    /// @param targets Packed int16 target weights (basis points of NAV) per asset index.
    /// @param previousTargets Packed targets of the last accepted signal (for the kill-level rules).
    /// @return violation The first limit broken, or `None`.
    function checkSignal(
        uint256 targets,
        uint256 previousTargets
    ) external view returns (Violation violation) {
        Limits memory lim = _limits;
        return SignalRisk.check(targets, _caps, lim.maxGrossBps, lim.killLevel, previousTargets);
    }

    /// @notice What a signal check needs, in two storage reads.
    /// @return caps Packed per-asset lanes: low 15 bits max weight (0 = not allowed), bit 15 shortable.
    /// @return maxGrossBps Max sum of |weight|.
    /// @return level Kill level in force.
    function signalLimits() external view returns (uint256 caps, uint256 maxGrossBps, KillLevel level) {
        Limits memory lim = _limits;
        return (_caps, lim.maxGrossBps, lim.killLevel);
    }

    /// @notice Check a reported price against the asset's Chainlink feed: positive, fresh, within deviation.
    /// @param asset Asset index.
    /// @param priceE8 The reported price with 8 decimals.
    /// @return violation `AssetNotAllowed` (no feed), `FeedInvalid`, `FeedStale`, `PriceDeviation` or `None`.
    /// @return feedPriceE8 The feed's answer rescaled to 8 decimals (0 when unusable).
    function checkPrice(
        uint8 asset,
        uint256 priceE8
    ) external view returns (Violation violation, uint256 feedPriceE8) {
        (violation, feedPriceE8) = _checkPrice(_assets[asset], priceE8);
    }

    /// @notice `checkPrice` plus whether the asset may be held, in one read (what a recorded fill needs).
    /// @param asset Asset index.
    /// @param priceE8 The fill price with 8 decimals.
    /// @return violation As `checkPrice`.
    /// @return feedPriceE8 As `checkPrice`.
    /// @return listed Whether the asset's max weight is above zero.
    function checkFill(
        uint8 asset,
        uint256 priceE8
    ) external view returns (Violation violation, uint256 feedPriceE8, bool listed) {
        AssetConfig memory c = _assets[asset];
        (violation, feedPriceE8) = _checkPrice(c, priceE8);
        listed = c.maxWeightBps != 0;
    }

    function _checkPrice(
        AssetConfig memory c,
        uint256 priceE8
    ) private view returns (Violation violation, uint256 feedPriceE8) {
        if (c.feed == address(0)) return (Violation.AssetNotAllowed, 0);
        // A reverting or malformed feed must not block recording; it is reported as invalid instead.
        // A low-level call, because `try` does not catch a failure to decode the return data (a feed
        // without code, or one returning too few bytes), which would revert the caller.
        (bool ok, bytes memory data) = c.feed.staticcall(
            abi.encodeCall(AggregatorV3Interface.latestRoundData, ())
        );
        if (!ok || data.length < 160) return (Violation.FeedInvalid, 0);
        // Every word decodes as a full-width integer, so the decode itself cannot revert.
        (, int256 answer, , uint256 updatedAt, ) = abi.decode(
            data,
            (uint256, int256, uint256, uint256, uint256)
        );
        // Non-positive or absurd answers (which could overflow the rescaling) are unusable.
        if (answer <= 0 || uint256(answer) > type(uint128).max) return (Violation.FeedInvalid, 0);
        if (updatedAt > block.timestamp || block.timestamp - updatedAt > c.maxStaleness) {
            return (Violation.FeedStale, 0);
        }
        feedPriceE8 = Units.toE8(uint256(answer), c.feedDecimals);
        if (feedPriceE8 == 0) return (Violation.FeedInvalid, 0); // below 1e-8 after rescaling
        uint256 diff = priceE8 > feedPriceE8 ? priceE8 - feedPriceE8 : feedPriceE8 - priceE8;
        if (diff * Units.BPS > feedPriceE8 * c.maxDeviationBps)
            return (Violation.PriceDeviation, feedPriceE8);
    }

    // ---------------------------------------------------------------- views

    /// @notice Number of asset indices in use.
    function assetCount() external view returns (uint8) {
        return _assetCount;
    }

    /// @notice The configuration of asset `index`.
    function assetConfig(uint8 index) external view returns (AssetConfig memory) {
        return _assets[index];
    }

    /// @notice The symbol of asset `index`.
    function assetSymbol(uint8 index) external view returns (bytes32) {
        return _symbols[index];
    }

    /// @notice The portfolio-wide limits in force.
    function limits() external view returns (Limits memory) {
        return _limits;
    }

    /// @notice The kill level in force.
    function killLevel() external view returns (KillLevel) {
        return _limits.killLevel;
    }

    // ---------------------------------------------------------------- internals

    function _setKill(KillLevel level, bytes32 reason) private {
        KillLevel previous = _limits.killLevel;
        if (previous == level) return;
        _limits.killLevel = level;
        emit KillLevelChanged(previous, level, reason, msg.sender);
    }

    function _writeAsset(uint8 index, AssetConfig memory config) private {
        _assets[index] = config;
        uint256 lane = uint256(config.maxWeightBps) | (config.shortable ? 0x8000 : 0);
        uint256 shift = uint256(index) * 16;
        _caps = (_caps & ~(uint256(0xffff) << shift)) | (lane << shift);
        emit AssetSet(index, _symbols[index], config, msg.sender);
    }

    function _validateAsset(AssetConfig calldata config) private pure {
        if (config.maxWeightBps > Units.BPS) revert RiskPolicyInvalidLimit("maxWeightBps");
        if (config.maxWeightBps != 0 && config.feed == address(0)) revert RiskPolicyInvalidFeed(config.feed);
        if (config.maxDeviationBps > Units.BPS) revert RiskPolicyInvalidLimit("maxDeviationBps");
        if (config.feedDecimals > 36) revert RiskPolicyInvalidLimit("feedDecimals");
    }

    function _validateLimits(Limits memory lim) private pure {
        // Gross above 5x is out of this system's design range; weights are int16 basis points.
        if (lim.maxGrossBps > 5 * Units.BPS) revert RiskPolicyInvalidLimit("maxGrossBps");
        if (lim.maxDailyLossBps > Units.BPS) revert RiskPolicyInvalidLimit("maxDailyLossBps");
        if (lim.maxDrawdownBps > Units.BPS) revert RiskPolicyInvalidLimit("maxDrawdownBps");
        if (lim.maxOffchainBps > Units.BPS) revert RiskPolicyInvalidLimit("maxOffchainBps");
        if (lim.maxNavChangeBps > Units.BPS || lim.maxNavChangeBps < MIN_NAV_CHANGE_BPS)
            revert RiskPolicyInvalidLimit("maxNavChangeBps");
        if (lim.sizeToleranceBps > Units.BPS) revert RiskPolicyInvalidLimit("sizeToleranceBps");
    }
}
