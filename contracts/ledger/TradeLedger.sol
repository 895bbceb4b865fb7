// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOracleConfigConsumer} from "../interfaces/IOracleConfigConsumer.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {IRiskPolicy} from "../interfaces/IRiskPolicy.sol";
import {ISigilVault} from "../interfaces/ISigilVault.sol";
import {QuorumVerification} from "../libraries/QuorumVerification.sol";
import {ReportTypes} from "../libraries/ReportTypes.sol";
import {SignalRisk} from "../libraries/SignalRisk.sol";
import {TargetWeights} from "../libraries/TargetWeights.sol";
import {Units} from "../libraries/Units.sol";

/// @title TradeLedger
/// @notice Accepts co-signed signal reports (checked against the risk policy in force) and records
/// co-signed fills, each tied to the accepted signal that caused it, in one append-only hash chain.
/// @dev The head hash lives in storage and every link's inputs are in events, so anyone can rebuild
/// the chain from logs and compare it with `head()`. A validly signed signal that breaks a limit is
/// recorded as rejected (event and chain link), not reverted. Fills are facts that already happened on
/// the venue: they are always recorded, with a bitmask of what they broke; a breach trips the breaker.
contract TradeLedger is IOracleConfigConsumer {
    using SafeCast for uint256;

    uint8 internal constant KIND_SIGNAL = 1;
    uint8 internal constant KIND_FILL = 2;
    uint256 internal constant RING = 8;

    /// @notice Bits of a fill's `violations` mask.
    uint16 public constant FILL_SIGNAL_UNKNOWN = 1 << 0; // signal rejected, unknown, or older than the window
    uint16 public constant FILL_ASSET_NOT_LISTED = 1 << 1; // grows a position in an asset not allowed
    uint16 public constant FILL_SIZE_TOLERANCE = 1 << 2; // moves away from, or overshoots, the target
    uint16 public constant FILL_FEED_INVALID = 1 << 3; // reference feed reverted or answered <= 0
    uint16 public constant FILL_FEED_STALE = 1 << 4; // reference feed older than allowed
    uint16 public constant FILL_PRICE_DEVIATION = 1 << 5; // price too far from the reference feed
    uint16 public constant FILL_KILL_SWITCH = 1 << 6; // grows or opens a position the kill level forbids
    /// @notice Violations that trip the kill level to ReduceOnly (feed problems alone do not).
    uint16 public constant TRIPPING =
        FILL_SIGNAL_UNKNOWN |
            FILL_ASSET_NOT_LISTED |
            FILL_SIZE_TOLERANCE |
            FILL_PRICE_DEVIATION |
            FILL_KILL_SWITCH;

    struct State {
        uint64 signalSequence; // last signal report consumed
        uint64 executionSequence; // last execution report consumed
        uint64 lastAccepted; // last accepted signal sequence
        uint40 lastSignalTime; // timestamp of the last accepted signal
        uint8 acceptedBits; // bit (seq % 8) set when signal seq was accepted
    }

    /// @notice Thrown when a report's sequence is not above the last one of its stream (a replay or a
    /// report overtaken by a later one). Gaps are allowed: a report that expired unsubmitted is skipped,
    /// never re-signed under the same sequence (that would be equivocation).
    error TradeLedgerStaleSequence(uint64 last, uint64 actual);
    /// @notice Thrown when a report arrives after its deadline.
    error TradeLedgerReportExpired(uint64 deadline, uint256 nowTs);
    /// @notice Thrown when an execution report carries no fills.
    error TradeLedgerEmptyExecution();

    /// @notice Emitted when a signal is accepted; with `head` it is one link of the chain.
    event SignalAccepted(
        uint64 indexed sequence,
        bytes32 indexed reportHash,
        ReportTypes.Signal signal,
        bytes32 head
    );
    /// @notice Emitted when a validly signed signal breaks a risk limit in force.
    event SignalRejected(
        uint64 indexed sequence,
        bytes32 indexed reportHash,
        IRiskPolicy.Violation reason,
        ReportTypes.Signal signal,
        bytes32 head
    );
    /// @notice Emitted when the registry pushes a new operator configuration.
    event OracleConfigSynced(uint32 indexed version);
    /// @notice Emitted for every recorded fill; with `head` it is one link of the chain.
    event TradeRecorded(
        uint64 indexed executionSequence,
        uint64 indexed signalSequence,
        uint8 indexed asset,
        bytes32 fillHash,
        ReportTypes.Fill record,
        int256 positionE8,
        uint16 violations,
        bytes32 head
    );

    IOracleRegistry public immutable registry;
    IRiskPolicy public immutable policy;
    ISigilVault public immutable vault;
    uint8 private immutable _assetDecimals;

    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;

    QuorumVerification.Config private _oracle; // pushed by the registry on every change
    State private _state;
    bytes32 private _head;
    uint256[RING] private _targets;
    mapping(uint8 asset => int256) private _positions;

    /// @param registry_ Verifies report signatures.
    /// @param policy_ The risk policy; this ledger needs its BREAKER_ROLE.
    /// @param vault_ The vault whose NAV sizes the targets.
    /// @param assetDecimals Decimals of the vault's stable asset.
    constructor(IOracleRegistry registry_, IRiskPolicy policy_, ISigilVault vault_, uint8 assetDecimals) {
        registry = registry_;
        policy = policy_;
        vault = vault_;
        _assetDecimals = assetDecimals;
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
    }

    /// @notice Receive the registry's operator configuration (pushed in the same transaction as every
    /// change, so a report under an old configuration can never verify here).
    /// @param config The registry's new configuration.
    function oracleConfigChanged(QuorumVerification.Config calldata config) external {
        if (msg.sender != address(registry)) revert OracleConfigConsumerNotRegistry(msg.sender);
        _oracle = config;
        emit OracleConfigSynced(config.version);
    }

    /// @notice Submit a co-signed signal report. Anyone may submit; the signatures are the authority.
    /// @param report The signal report.
    /// @param signatures Operator signatures in ascending signer order.
    /// @return accepted Whether the signal passed the risk policy.
    function submitSignal(
        ReportTypes.SignalReport calldata report,
        bytes calldata signatures
    ) external returns (bool accepted) {
        State memory s = _state;
        if (report.sequence <= s.signalSequence)
            revert TradeLedgerStaleSequence(s.signalSequence, report.sequence);
        if (report.deadline < block.timestamp)
            revert TradeLedgerReportExpired(report.deadline, block.timestamp);
        bytes32 reportHash = ReportTypes.hashSignalReport(report);
        _verify(reportHash, report.configDigest, signatures);

        IRiskPolicy.Violation reason;
        uint256 targets = report.signal.targets;
        uint64 ts = report.signal.timestamp;
        if (ts > block.timestamp || ts < s.lastSignalTime) {
            // A decision from the future or older than the last accepted one is out of order.
            reason = IRiskPolicy.Violation.TimestampOutOfOrder;
        } else {
            (uint256 caps, uint256 maxGross, IRiskPolicy.KillLevel kill) = policy.signalLimits();
            // The previous targets matter only to the kill-level rules; skip the read otherwise.
            uint256 previous = kill == IRiskPolicy.KillLevel.Normal ? 0 : _targets[s.lastAccepted % RING];
            reason = SignalRisk.check(targets, caps, maxGross, kill, previous);
        }
        accepted = reason == IRiskPolicy.Violation.None;
        // Sequences skipped since the last report were never accepted: clear their ring bits.
        if (report.sequence != s.signalSequence + 1) s.acceptedBits = _clearSkipped(s, report.sequence);
        s.signalSequence = report.sequence;
        uint8 bit = uint8(1 << (report.sequence % RING));
        bytes32 newHead = keccak256(
            abi.encode(_head, KIND_SIGNAL, report.sequence, reportHash, uint8(reason))
        );
        _head = newHead;
        if (accepted) {
            s.acceptedBits |= bit;
            s.lastAccepted = report.sequence;
            s.lastSignalTime = uint40(ts);
            _targets[report.sequence % RING] = targets;
            _state = s;
            emit SignalAccepted(report.sequence, reportHash, report.signal, newHead);
        } else {
            s.acceptedBits &= ~bit;
            _state = s;
            emit SignalRejected(report.sequence, reportHash, reason, report.signal, newHead);
        }
    }

    /// @notice Submit a co-signed execution report: record each fill against the signal it executes.
    /// @param report The execution report.
    /// @param signatures Operator signatures in ascending signer order.
    /// @return tripped Whether a fill breached a limit and tripped the kill level to ReduceOnly.
    function submitExecution(
        ReportTypes.ExecutionReport calldata report,
        bytes calldata signatures
    ) external returns (bool tripped) {
        State memory s = _state;
        if (report.sequence <= s.executionSequence) {
            revert TradeLedgerStaleSequence(s.executionSequence, report.sequence);
        }
        if (report.deadline < block.timestamp)
            revert TradeLedgerReportExpired(report.deadline, block.timestamp);
        uint256 n = report.execution.fills.length;
        if (n == 0) revert TradeLedgerEmptyExecution();
        bytes32 reportHash = ReportTypes.hashExecutionReport(report);
        _verify(reportHash, report.configDigest, signatures);
        s.executionSequence = report.sequence;
        _state = s;

        FillContext memory ctx;
        ctx.executionSequence = report.sequence;
        ctx.signalSequence = report.execution.signalSequence;
        ctx.known =
            ctx.signalSequence != 0 &&
            ctx.signalSequence <= s.signalSequence &&
            ctx.signalSequence + RING > s.signalSequence &&
            s.acceptedBits & (1 << (ctx.signalSequence % RING)) != 0;
        ctx.targets = ctx.known ? _targets[ctx.signalSequence % RING] : 0;
        (ctx.nav, ) = vault.lastNav();
        ctx.limits = policy.limits();

        bytes32 chain = _head;
        uint16 any;
        for (uint256 i = 0; i < n; ++i) {
            uint16 violations;
            (chain, violations) = _recordFill(report.execution.fills[i], ctx, chain);
            any |= violations;
        }
        _head = chain;
        if (any & TRIPPING != 0) {
            policy.tripBreaker(IRiskPolicy.KillLevel.ReduceOnly, "fill-breach");
            tripped = true;
        }
    }

    /// @dev Ring bits of the sequences strictly between the last processed one and `sequence`, cleared.
    function _clearSkipped(State memory s, uint64 sequence) private pure returns (uint8 bits) {
        if (sequence - s.signalSequence > RING) return 0;
        bits = s.acceptedBits;
        for (uint64 q = s.signalSequence + 1; q < sequence; ++q) bits &= ~uint8(1 << (q % RING));
    }

    /// @notice The head of the hash chain over every signal and fill recorded.
    function head() external view returns (bytes32) {
        return _head;
    }

    /// @notice Sequence state: last signal, last execution, last accepted signal.
    function sequences() external view returns (uint64 signal, uint64 execution, uint64 lastAccepted) {
        State memory s = _state;
        return (s.signalSequence, s.executionSequence, s.lastAccepted);
    }

    /// @notice Packed targets (int16 bps per asset index) of the last accepted signal.
    function currentTargets() external view returns (uint256) {
        return _targets[_state.lastAccepted % RING];
    }

    /// @notice Target weight of `asset` in the last accepted signal, basis points.
    function targetWeight(uint8 asset) external view returns (int16) {
        return TargetWeights.get(_targets[_state.lastAccepted % RING], asset);
    }

    /// @notice Net position of `asset` built from recorded fills, 8 decimals.
    function position(uint8 asset) external view returns (int256) {
        return _positions[asset];
    }

    /// @notice EIP-712 digest operators sign for a signal report (for tools and golden vectors).
    function signalReportDigest(ReportTypes.SignalReport calldata report) external view returns (bytes32) {
        return _typedDigest(ReportTypes.hashSignalReport(report));
    }

    /// @notice EIP-712 digest operators sign for an execution report.
    function executionReportDigest(
        ReportTypes.ExecutionReport calldata report
    ) external view returns (bytes32) {
        return _typedDigest(ReportTypes.hashExecutionReport(report));
    }

    /// @notice Version of the operator configuration this ledger verifies against.
    function oracleConfigVersion() external view returns (uint32) {
        return _oracle.version;
    }

    function _verify(bytes32 structHash, bytes32 reportConfigDigest, bytes calldata signatures) private view {
        QuorumVerification.verify(
            _oracle,
            address(registry),
            _typedDigest(structHash),
            reportConfigDigest,
            signatures
        );
    }

    /// @dev The EIP-712 digest under the registry's domain ("Sigil Oracle", "1", chain id, registry),
    /// the same bytes `registry.hashTypedData` returns.
    function _typedDigest(bytes32 structHash) private view returns (bytes32 digest) {
        bytes32 separator =
            block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, hex"1901")
            mstore(add(m, 0x02), separator)
            mstore(add(m, 0x22), structHash)
            digest := keccak256(m, 0x42)
        }
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH,
                    keccak256("Sigil Oracle"),
                    keccak256("1"),
                    block.chainid,
                    address(registry)
                )
            );
    }

    struct FillContext {
        uint64 executionSequence;
        uint64 signalSequence;
        bool known;
        uint256 targets;
        uint128 nav;
        IRiskPolicy.Limits limits;
    }

    function _recordFill(
        ReportTypes.Fill calldata f,
        FillContext memory ctx,
        bytes32 previousHead
    ) private returns (bytes32 newHead, uint16 violations) {
        int256 before = _positions[f.asset];
        int256 after_ = before + f.quantityE8;
        _positions[f.asset] = after_;
        violations = _checkFill(f, before, after_, ctx);
        bytes32 fillHash = ReportTypes.hashFill(f);
        newHead = keccak256(
            abi.encode(
                previousHead,
                KIND_FILL,
                ctx.executionSequence,
                ctx.signalSequence,
                fillHash,
                violations
            )
        );
        emit TradeRecorded(
            ctx.executionSequence,
            ctx.signalSequence,
            f.asset,
            fillHash,
            f,
            after_,
            violations,
            newHead
        );
    }

    function _checkFill(
        ReportTypes.Fill calldata f,
        int256 before,
        int256 after_,
        FillContext memory ctx
    ) private view returns (uint16 violations) {
        if (!ctx.known) violations = FILL_SIGNAL_UNKNOWN;
        bool grows =
            _abs(after_) > _abs(before) || (before != 0 && (after_ > 0) != (before > 0) && after_ != 0);
        IRiskPolicy.KillLevel kill = ctx.limits.killLevel;
        if (grows) {
            if (kill >= IRiskPolicy.KillLevel.ReduceOnly) violations |= FILL_KILL_SWITCH;
            else if (
                kill == IRiskPolicy.KillLevel.NoNewEntries && (before == 0 || (after_ > 0) != (before > 0))
            ) {
                violations |= FILL_KILL_SWITCH;
            }
        }
        (IRiskPolicy.Violation pv, , bool listed) = policy.checkFill(f.asset, f.priceE8);
        if (grows && !listed) violations |= FILL_ASSET_NOT_LISTED;
        if (pv == IRiskPolicy.Violation.FeedInvalid || pv == IRiskPolicy.Violation.AssetNotAllowed) {
            violations |= FILL_FEED_INVALID;
        } else if (pv == IRiskPolicy.Violation.FeedStale) {
            violations |= FILL_FEED_STALE;
        } else if (pv == IRiskPolicy.Violation.PriceDeviation) {
            violations |= FILL_PRICE_DEVIATION;
        }
        uint256 nav = ctx.nav;
        if (ctx.known && nav != 0) {
            // Distances to the target notional, before and after, in stable-asset units.
            int256 target = (int256(nav) * TargetWeights.get(ctx.targets, f.asset)) / int256(Units.BPS);
            int256 d0 = target - _notional(before, f.priceE8);
            int256 d1 = target - _notional(after_, f.priceE8);
            int256 tol = int256(Math.mulDiv(nav, ctx.limits.sizeToleranceBps, Units.BPS));
            bool overshoot = d1 != 0 && (d1 > 0) != (d0 > 0) && _abs(d1) > uint256(tol);
            if (overshoot || _abs(d1) > _abs(d0) + uint256(tol)) violations |= FILL_SIZE_TOLERANCE;
        }
    }

    function _notional(int256 quantityE8, uint64 priceE8) private view returns (int256) {
        uint256 v = Units.notional(_abs(quantityE8), priceE8, _assetDecimals);
        return quantityE8 < 0 ? -v.toInt256() : v.toInt256();
    }

    function _abs(int256 x) private pure returns (uint256) {
        return x < 0 ? uint256(-x) : uint256(x);
    }
}
