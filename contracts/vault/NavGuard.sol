// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {ISigilVault} from "../interfaces/ISigilVault.sol";
import {ReportTypes} from "../libraries/ReportTypes.sol";
import {Units} from "../libraries/Units.sol";

/// @title NavGuard
/// @notice Checks the vault's NAV reports and judges what each one changes. It runs every check a report
/// must pass (sequence, deadline, vault, epoch, valuation time against the cut-off and the max age,
/// custody counters, the quorum), then measures the report by a NAV index: the product, report after
/// report, of the total assets the report implies over the total assets booked just before it. Only
/// reports move the index (a custody move, a deposit, a redemption or a donation does not), so it is
/// what the oracle is trusted for. The guard keeps the lowest and highest index of each of eight
/// buckets spanning the risk window, and a report is compared with every index of the trailing window,
/// not just the last: the NAV bound holds per unit of time (four +25 % reports in four blocks cannot
/// compound) and the daily loss is measured against the window's high (a loss split across midnight
/// is still one loss). A report beyond the bound is not booked at once; it becomes a pending change,
/// and a later report valued at least `confirmDelay` after it and within the bound of it confirms it.
/// So a real loss larger than the bound is always bookable, and a single bad report never is.
/// @dev Deployed by the vault in its constructor; only that vault may call it. Storage is O(1): eight
/// bucket slots, the index and one pending slot, whatever the number of reports. Its reverts are the
/// vault's own errors (ISigilVault).
contract NavGuard {
    using SafeCast for uint256;

    /// @notice What the vault should do with a report.
    enum Verdict {
        Book, // within the bound of every index in the window
        Confirm, // beyond the bound, but confirms the pending change: book it and restart the window
        Reject // beyond the bound: not booked; it is (or agrees with) the pending change
    }

    /// @notice A change beyond the bound waiting for confirmation.
    struct Pending {
        uint96 index; // the index the report implied
        uint64 timestamp; // its valuation time
        uint64 sequence; // its NAV report sequence
    }

    /// @notice What the vault knows that a report is checked against.
    struct Context {
        uint64 epoch; // the epoch settling next
        uint64 cutoff; // its cut-off
        uint64 lastSequence; // last NAV sequence consumed
        uint64 lastTimestamp; // last settled valuation time
        uint32 maxNavAge;
        uint32 confirmDelay;
        uint16 boundBps; // the policy's maxNavChangeBps
        uint256 sent; // cumulative custody sent, on-chain
        uint256 returned; // cumulative custody returned, on-chain
        uint256 idle; // idle assets now
        uint256 booked; // total assets booked now
        uint256 supply; // share supply now
    }

    /// @notice The outcome of a report that passed every check.
    struct Assessment {
        Verdict verdict;
        bytes32 reportHash;
        int256 offchain; // venue equity the report implies now (custody since the valuation applied)
        uint256 reported; // total assets the report implies
        uint256 index; // the NAV index it implies
        uint256 lossBps; // its fall below the window's highest index, basis points (0 when none)
        uint64 confirmableAt; // when a rejected change becomes confirmable (0 unless rejected)
    }

    uint256 public constant BUCKETS = 8;
    uint256 private constant INDEX_ONE = 1e18;
    uint256 private constant INDEX_MAX = type(uint96).max;

    /// @notice Thrown when anyone but the vault writes.
    error NavGuardNotVault(address caller);
    /// @notice Thrown for a zero or absurdly long risk window.
    error NavGuardInvalidWindow(uint256 window);

    /// @notice Emitted when the window restarts from one index (no holders, a confirmed jump, a new window).
    event NavWindowReset(uint32 indexed generation, uint256 index, uint64 timestamp, uint256 window);

    address public immutable vault;
    IOracleRegistry public immutable registry;

    /// @dev Bucket layout: generation (32) | last write, seconds (32) | min index (96) | max index (96).
    /// A bucket is in the window when its last write is within `_window` seconds; eight buckets of
    /// window/7 are never reused before that.
    uint256[BUCKETS] private _buckets;
    Pending private _pending;
    uint32 private _generation;
    uint32 private _width; // seconds per bucket
    uint32 private _window; // seconds the window spans
    /// @notice The NAV index after the last booked report (1e18 at the start).
    uint256 public index;

    /// @param registry_ The oracle registry that verifies NAV reports.
    /// @param window_ Seconds the trailing window spans (the vault's risk window).
    constructor(IOracleRegistry registry_, uint256 window_) {
        vault = msg.sender;
        registry = registry_;
        _setWindow(window_);
        index = INDEX_ONE;
    }

    modifier onlyVault() {
        if (msg.sender != vault) revert NavGuardNotVault(msg.sender);
        _;
    }

    /// @notice Check a NAV report for the vault and judge what it changes against the window.
    /// @dev Reverts with the vault's errors for anything malformed, stale, misdirected or unsigned.
    /// @param report The NAV report.
    /// @param signatures Operator signatures in ascending signer order.
    /// @param ctx The vault's state the report is checked against.
    /// @return a The verdict and what the report implies.
    function assess(
        ReportTypes.NavReport calldata report,
        bytes calldata signatures,
        Context calldata ctx
    ) external onlyVault returns (Assessment memory a) {
        ReportTypes.Nav calldata n = report.nav;
        if (report.sequence <= ctx.lastSequence)
            revert ISigilVault.SigilVaultStaleSequence(ctx.lastSequence, report.sequence);
        if (report.deadline < block.timestamp) revert ISigilVault.SigilVaultReportExpired(report.deadline);
        if (n.vault != vault) revert ISigilVault.SigilVaultWrongVault(n.vault);
        if (n.epoch != ctx.epoch) revert ISigilVault.SigilVaultWrongEpoch(ctx.epoch, n.epoch);
        if (n.timestamp > block.timestamp || n.timestamp < ctx.lastTimestamp)
            revert ISigilVault.SigilVaultBadNavTimestamp(n.timestamp);
        if (n.timestamp < ctx.cutoff)
            revert ISigilVault.SigilVaultValuedBeforeCutoff(n.timestamp, ctx.cutoff);
        if (block.timestamp - n.timestamp > ctx.maxNavAge)
            revert ISigilVault.SigilVaultNavTooOld(n.timestamp, ctx.maxNavAge);
        if (n.custodySent > ctx.sent) revert ISigilVault.SigilVaultCustodyMismatch(n.custodySent, ctx.sent);
        a.reportHash = ReportTypes.hashNavReport(report);
        registry.verify(a.reportHash, report.configDigest, signatures);

        // Venue equity at valuation, plus what was sent but not yet reflected, minus what came back
        // on-chain but is still in the figure (or plus what left the venue but has not arrived yet).
        a.offchain =
            n.venueEquity.toInt256() +
            (ctx.sent - n.custodySent).toInt256() +
            n.custodyReturned.toInt256() -
            ctx.returned.toInt256();
        int256 total = ctx.idle.toInt256() + a.offchain;
        a.reported = total > 0 ? uint256(total) : 0;
        a.index = _clamp(Math.mulDiv(index, a.reported + 1, ctx.booked + 1));
        if (ctx.supply == 0) return a; // no holders: nothing to protect, book it (verdict Book)
        uint256 windowMax;
        (a.verdict, windowMax, a.confirmableAt) = _judge(a.index, n.timestamp, report.sequence, ctx);
        // Rounded up, so "more than the limit" holds for any loss beyond it, however slight.
        if (windowMax > a.index)
            a.lossBps = Math.mulDiv(windowMax - a.index, Units.BPS, windowMax, Math.Rounding.Ceil);
    }

    /// @notice Record a booked report: its index becomes the guard's and joins the window, together with
    /// the index it replaces (in force until this valuation), so a loss is measured from the last value
    /// in force within the window, however long ago it was booked.
    /// @param newIndex The index the report implied.
    /// @param timestamp Its valuation time.
    /// @param reset Restart the window from it (no holders before, or a confirmed change beyond the bound).
    function record(uint256 newIndex, uint64 timestamp, bool reset) external onlyVault {
        uint256 previous = index;
        index = newIndex;
        if (reset) {
            _reset(newIndex, timestamp);
            previous = newIndex;
        }
        _write(
            previous < newIndex ? previous : newIndex,
            previous > newIndex ? previous : newIndex,
            timestamp
        );
    }

    /// @notice Change the window length; the window restarts from the current index.
    /// @param window_ New window in seconds.
    /// @param timestamp The last settled valuation time.
    function setWindow(uint256 window_, uint64 timestamp) external onlyVault {
        _setWindow(window_);
        _reset(index, timestamp);
        _write(index, index, timestamp);
    }

    /// @notice Lowest and highest index of the window ending at `timestamp`. The last booked index is in
    /// force until another report replaces it, so it always counts, however long ago it was booked: a
    /// quiet window (an oracle outage, or only rejected reports) never leaves a report unjudged. Each
    /// booking also writes the index it replaced, so the window holds every value in force within it.
    function range(uint64 timestamp) public view returns (uint256 windowMin, uint256 windowMax) {
        uint256 start = timestamp > _window ? timestamp - _window : 0;
        uint32 gen = _generation;
        windowMin = index;
        windowMax = index;
        for (uint256 i = 0; i < BUCKETS; ++i) {
            uint256 b = _buckets[i];
            if (uint32(b >> 224) != gen) continue;
            uint256 written = uint32(b >> 192);
            // Values in force at some time within the window: those written since its start.
            if (written < start || written > timestamp) continue;
            uint256 lo = uint96(b >> 96);
            uint256 hi = uint96(b);
            if (lo < windowMin) windowMin = lo;
            if (hi > windowMax) windowMax = hi;
        }
    }

    /// @notice The change waiting for confirmation (all zero when none).
    function pending() external view returns (Pending memory) {
        return _pending;
    }

    /// @notice Seconds per bucket and the risk window in seconds.
    function window() external view returns (uint256 bucketSeconds, uint256 windowSeconds) {
        return (_width, _window);
    }

    /// @dev Within the bound of every index of the window (the last booked one included) → Book;
    /// agreeing with a pending change at least `confirmDelay` old → Confirm; otherwise Reject (and it
    /// becomes the pending change unless it agrees with it).
    function _judge(
        uint256 candidate,
        uint64 timestamp,
        uint64 sequence,
        Context calldata ctx
    ) private returns (Verdict verdict, uint256 windowMax, uint64 confirmableAt) {
        uint256 windowMin;
        (windowMin, windowMax) = range(timestamp);
        if (_within(candidate, windowMin, windowMax, ctx.boundBps)) {
            if (_pending.timestamp != 0) delete _pending;
            return (Verdict.Book, windowMax, 0);
        }
        Pending memory p = _pending;
        bool agrees = p.timestamp != 0 && _within(candidate, p.index, p.index, ctx.boundBps);
        if (agrees && uint256(timestamp) >= uint256(p.timestamp) + ctx.confirmDelay) {
            delete _pending;
            return (Verdict.Confirm, windowMax, 0);
        }
        if (!agrees) {
            // A new, different change: it replaces the pending one and starts its own wait.
            p = Pending({index: uint96(candidate), timestamp: timestamp, sequence: sequence});
            _pending = p;
        }
        return (Verdict.Reject, windowMax, uint64(uint256(p.timestamp) + ctx.confirmDelay));
    }

    function _within(uint256 x, uint256 lo, uint256 hi, uint256 boundBps) private pure returns (bool) {
        // |x - ref| <= bound * ref for every ref in [lo, hi].
        return x * Units.BPS <= lo * (Units.BPS + boundBps) && x * Units.BPS >= hi * (Units.BPS - boundBps);
    }

    function _write(uint256 lo, uint256 hi, uint64 timestamp) private {
        uint256 id = uint256(timestamp) / _width;
        uint256 slot = id % BUCKETS;
        uint256 b = _buckets[slot];
        uint32 gen = _generation;
        uint256 written = uint32(b >> 192);
        if (uint32(b >> 224) == gen && written / _width == id) {
            uint256 oldLo = uint96(b >> 96);
            uint256 oldHi = uint96(b);
            if (oldLo < lo) lo = oldLo;
            if (oldHi > hi) hi = oldHi;
        }
        uint256 at = timestamp > written ? timestamp : written;
        _buckets[slot] = (uint256(gen) << 224) | (uint256(uint32(at)) << 192) | (lo << 96) | hi;
    }

    function _reset(uint256 x, uint64 timestamp) private {
        uint32 gen = _generation + 1;
        _generation = gen;
        delete _pending;
        emit NavWindowReset(gen, x, timestamp, _window);
    }

    /// @dev Eight buckets of window/7 (rounded up) span more than the window, so a bucket written within
    /// it is never reused while it still counts.
    function _setWindow(uint256 window_) private {
        if (window_ == 0 || window_ > type(uint32).max) revert NavGuardInvalidWindow(window_);
        _window = uint32(window_);
        _width = uint32((window_ + BUCKETS - 2) / (BUCKETS - 1));
    }

    /// @dev An index beyond 96 bits (a 10^10-fold rise) saturates rather than reverting settlement.
    function _clamp(uint256 x) private pure returns (uint256) {
        if (x == 0) return 1; // a total loss still leaves a comparable, positive index
        return x > INDEX_MAX ? INDEX_MAX : x;
    }
}
