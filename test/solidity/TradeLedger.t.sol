// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracleRegistry} from "../../contracts/interfaces/IOracleRegistry.sol";
import {IRiskPolicy} from "../../contracts/interfaces/IRiskPolicy.sol";
import {ISigilVault} from "../../contracts/interfaces/ISigilVault.sol";
import {TradeLedger} from "../../contracts/ledger/TradeLedger.sol";
import {ReportTypes} from "../../contracts/libraries/ReportTypes.sol";
import {TargetWeights} from "../../contracts/libraries/TargetWeights.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {OracleRegistry} from "../../contracts/oracle/OracleRegistry.sol";
import {RiskPolicy} from "../../contracts/risk/RiskPolicy.sol";
import {Signing} from "./utils/Signing.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @dev The ledger only reads the vault's last NAV; a fixed NAV keeps the size checks meaningful.
contract StubVault is ISigilVault {
    uint128 public constant NAV = 1_000_000e6;

    function lastNav() external view returns (uint128, uint64) {
        return (NAV, uint64(block.timestamp));
    }

    function currentEpoch() external pure returns (uint64) {
        return 1;
    }
}

/// @notice Deployment, random signal generation and an independent model of the risk rules.
abstract contract LedgerBase is Test {
    uint8 internal constant ASSETS = 10; // listed indices 0..9; 10..15 unlisted; >= 16 out of range
    int256 internal constant FEED_PRICE = 100e8;

    OracleRegistry internal registry;
    RiskPolicy internal policy;
    TradeLedger internal ledger;
    StubVault internal stubVault;
    MockAggregator[] internal feeds;
    uint256[] internal pks;

    function _deploy() internal {
        vm.warp(1_700_000_000);
        registry = new OracleRegistry(address(this));
        uint256[] memory keys = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) keys[i] = uint256(keccak256(abi.encode("ledger-operator", i)));
        Signing.sortByAddress(keys);
        for (uint256 i = 0; i < 3; ++i) pks.push(keys[i]);
        address[] memory ops = new address[](3);
        for (uint256 i = 0; i < 3; ++i) ops[i] = vm.addr(pks[i]);
        registry.setConfig(ops, 2);

        policy = new RiskPolicy(
            address(this),
            address(this),
            IRiskPolicy.Limits({
                maxGrossBps: 10_000,
                maxDailyLossBps: 1_000,
                maxDrawdownBps: 3_000,
                maxOffchainBps: 8_000,
                maxNavChangeBps: 2_500,
                sizeToleranceBps: 100,
                killLevel: IRiskPolicy.KillLevel.Normal
            })
        );
        for (uint8 i = 0; i < ASSETS; ++i) {
            feeds.push(new MockAggregator(8, "feed", FEED_PRICE));
            // Varied caps: 1000..5500 bps, every third asset not shortable, asset 7 delisted.
            _setAsset(i, i == 7 ? 0 : 1000 + uint16(i) * 500, i % 3 != 0);
        }
        stubVault = new StubVault();
        ledger = new TradeLedger(registry, policy, stubVault, 6);
        address[] memory consumers = new address[](1);
        consumers[0] = address(ledger);
        registry.setConsumers(consumers);
        policy.grantRole(policy.BREAKER_ROLE(), address(ledger));
    }

    function _setAsset(uint8 i, uint16 maxWeight, bool shortable) internal {
        policy.setAsset(
            i,
            bytes32(uint256(i)),
            IRiskPolicy.AssetConfig({
                feed: address(feeds[i]),
                maxDeviationBps: 200,
                maxStaleness: 3_600,
                feedDecimals: 8,
                maxWeightBps: maxWeight,
                shortable: shortable
            })
        );
    }

    function _rand(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    /// @dev A random signal: mostly plausible weights, often exactly at a boundary (the asset's cap, one
    /// past it, a one-basis-point short, the previous target nudged by one), sometimes a scaled copy of
    /// `prev` (so kill-level rules can pass), unlisted assets or extreme weights. Assets are distinct and
    /// below 16: packed targets cannot express anything else.
    function _randomTargets(
        uint256 seed,
        int16[16] memory prev
    ) internal view returns (uint8[] memory assets, int16[] memory weights) {
        uint256 mode = _rand(seed, 0) % 4;
        if (mode == 0) {
            // Scale the previous targets by 0..120% each, nudged by -1/0/+1 bp, some dropped.
            uint256 count;
            for (uint8 a = 0; a < 16; ++a) if (prev[a] != 0) ++count;
            assets = new uint8[](count);
            weights = new int16[](count);
            uint256 k;
            for (uint8 a = 0; a < 16; ++a) {
                if (prev[a] == 0) continue;
                uint256 r = _rand(seed, 100 + a);
                int256 w = (int256(prev[a]) * int256(r % 121)) / 100;
                if ((r >> 8) % 4 == 0) w = prev[a];
                w += int256((r >> 16) % 3) - 1;
                assets[k] = a;
                weights[k++] = int16(w);
            }
            return (assets, weights);
        }
        uint256 n = _rand(seed, 1) % 6;
        assets = new uint8[](n);
        weights = new int16[](n);
        uint256 base = _rand(seed, 2) % 16;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = _rand(seed, 10 + i);
            // Stepping by 7 (coprime with 16) keeps the indices distinct; 10..15 are unlisted.
            assets[i] = uint8((base + i * 7) % 16);
            int256 cap = int256(uint256(policy.assetConfig(assets[i]).maxWeightBps));
            uint256 wm = (r >> 32) % 16;
            int256 w;
            if (wm == 0) w = 0;
            else if (wm == 1) w = int16(uint16(r >> 64));
            else if (wm == 2) w = cap;
            else if (wm == 3) w = cap + 1;
            else if (wm == 4) w = -1;
            else w = int256((r >> 80) % 5_001);
            if (wm > 1 && wm != 4 && (r >> 100) % 3 == 0) w = -w;
            weights[i] = int16(w);
        }
    }

    /// @notice Independent statement of the rules in force: does this signal respect every limit?
    function _respectsLimits(
        uint8[] memory assets,
        int16[] memory weights,
        int16[16] memory prev
    ) internal view returns (bool) {
        IRiskPolicy.Limits memory l = policy.limits();
        int16[16] memory next;
        uint256 gross;
        for (uint256 i = 0; i < assets.length; ++i) {
            int256 w = weights[i];
            uint256 absW = w < 0 ? uint256(-w) : uint256(w);
            IRiskPolicy.AssetConfig memory c = policy.assetConfig(assets[i]);
            if (absW > c.maxWeightBps) return false;
            if (w < 0 && !c.shortable) return false;
            gross += absW;
            next[assets[i]] = int16(w);
        }
        if (gross > l.maxGrossBps) return false;
        for (uint8 a = 0; a < 16; ++a) {
            int256 q = next[a];
            int256 p = prev[a];
            if (q == 0) continue;
            if (l.killLevel == IRiskPolicy.KillLevel.Flatten) return false;
            bool opensOrFlips = p == 0 || (p > 0) != (q > 0);
            if (l.killLevel >= IRiskPolicy.KillLevel.NoNewEntries && opensOrFlips) return false;
            bool grows = q > 0 ? q > p : q < p;
            if (l.killLevel == IRiskPolicy.KillLevel.ReduceOnly && grows) return false;
        }
        return true;
    }

    function _signalReport(
        uint64 sequence,
        uint64 deadline,
        uint64 timestamp,
        uint8[] memory assets,
        int16[] memory weights
    ) internal view returns (ReportTypes.SignalReport memory r) {
        r.configDigest = registry.configDigest();
        r.sequence = sequence;
        r.deadline = deadline;
        r.signal = ReportTypes.Signal({
            runHash: keccak256(abi.encode("run", sequence, timestamp)),
            inputsHash: keccak256("inputs"),
            modelHash: keccak256("model-v1"),
            timestamp: timestamp,
            flags: 1,
            targets: Signing.pack(assets, weights)
        });
    }

    function _sign(bytes32 structHash, uint256 signers) internal view returns (bytes memory) {
        uint256[] memory keys = new uint256[](signers);
        for (uint256 i = 0; i < signers; ++i) keys[i] = pks[i];
        return Signing.cosign(keys, registry.hashTypedData(structHash));
    }

    function _executionReport(
        uint64 sequence,
        uint64 deadline,
        uint64 signalSequence,
        ReportTypes.Fill[] memory fills
    ) internal view returns (ReportTypes.ExecutionReport memory r) {
        r.configDigest = registry.configDigest();
        r.sequence = sequence;
        r.deadline = deadline;
        r.execution.signalSequence = signalSequence;
        r.execution.fills = fills;
    }

    function _oneFill(uint8 asset, int128 qty) internal view returns (ReportTypes.Fill[] memory fills) {
        fills = new ReportTypes.Fill[](1);
        fills[0] = ReportTypes.Fill({
            asset: asset,
            quantityE8: qty,
            priceE8: uint64(uint256(FEED_PRICE)),
            feeE8: 0,
            orderRef: keccak256(abi.encode("order", qty)),
            timestamp: uint64(block.timestamp)
        });
    }
}

/// @notice Deadlines, replay and the risk property "no accepted signal breaks a limit in force".
contract TradeLedgerTest is LedgerBase {
    function setUp() public {
        _deploy();
    }

    // ------------------------------------------------------------------ deadlines

    function testFuzz_submitSignal_pastDeadlineReverts(uint256 lifetime, uint256 lateBy) public {
        uint64 deadline = uint64(block.timestamp + bound(lifetime, 0, 30 days));
        ReportTypes.SignalReport memory r = _signalReport(
            1,
            deadline,
            uint64(block.timestamp),
            new uint8[](0),
            new int16[](0)
        );
        bytes memory sigs = _sign(Signing.hashSignalReport(r), 2);
        uint256 late = uint256(deadline) + bound(lateBy, 1, 365 days);
        vm.warp(late);
        vm.expectRevert(
            abi.encodeWithSelector(TradeLedger.TradeLedgerReportExpired.selector, deadline, late)
        );
        ledger.submitSignal(r, sigs);
        (uint64 s, , ) = ledger.sequences();
        assertEq(s, 0, "no state change");
        // At the deadline itself the report is still good.
        vm.warp(deadline);
        ledger.submitSignal(r, sigs);
    }

    function testFuzz_submitExecution_pastDeadlineReverts(uint256 lifetime, uint256 lateBy) public {
        uint64 deadline = uint64(block.timestamp + bound(lifetime, 0, 30 days));
        ReportTypes.ExecutionReport memory r = _executionReport(1, deadline, 0, _oneFill(0, 1e8));
        bytes memory sigs = _sign(Signing.hashExecutionReport(r), 2);
        uint256 late = uint256(deadline) + bound(lateBy, 1, 365 days);
        vm.warp(late);
        vm.expectRevert(
            abi.encodeWithSelector(TradeLedger.TradeLedgerReportExpired.selector, deadline, late)
        );
        ledger.submitExecution(r, sigs);
        assertEq(ledger.position(0), 0, "no fill recorded");
    }

    // ------------------------------------------------------------------ replay and quorum

    function testFuzz_submitSignal_replayReverts(uint256 seed) public {
        int16[16] memory none;
        (uint8[] memory assets, int16[] memory weights) = _randomTargets(seed, none);
        ReportTypes.SignalReport memory r = _signalReport(
            1,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            assets,
            weights
        );
        bytes memory sigs = _sign(Signing.hashSignalReport(r), 2);
        ledger.submitSignal(r, sigs); // accepted or rejected, the sequence is consumed
        bytes32 head = ledger.head();
        vm.warp(block.timestamp + bound(seed, 0, 500));
        vm.expectRevert(abi.encodeWithSelector(TradeLedger.TradeLedgerStaleSequence.selector, 1, 1));
        ledger.submitSignal(r, sigs);
        assertEq(ledger.head(), head, "head unchanged");
    }

    function testFuzz_submitExecution_replayReverts(int128 qty) public {
        vm.assume(qty != 0 && qty > -1e30 && qty < 1e30);
        ReportTypes.ExecutionReport memory r = _executionReport(
            1,
            uint64(block.timestamp + 600),
            0,
            _oneFill(0, qty)
        );
        bytes memory sigs = _sign(Signing.hashExecutionReport(r), 2);
        ledger.submitExecution(r, sigs);
        vm.expectRevert(abi.encodeWithSelector(TradeLedger.TradeLedgerStaleSequence.selector, 1, 1));
        ledger.submitExecution(r, sigs);
        assertEq(ledger.position(0), int256(qty), "recorded once");
    }

    function testFuzz_submitSignal_staleSequenceReverts(uint64 last, uint64 sequence) public {
        last = uint64(bound(last, 1, type(uint64).max));
        sequence = uint64(bound(sequence, 0, last));
        ReportTypes.SignalReport memory first = _signalReport(
            last,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            new uint8[](0),
            new int16[](0)
        );
        ledger.submitSignal(first, _sign(Signing.hashSignalReport(first), 2)); // gaps are allowed
        ReportTypes.SignalReport memory r = _signalReport(
            sequence,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            new uint8[](0),
            new int16[](0)
        );
        bytes memory sigs = _sign(Signing.hashSignalReport(r), 2);
        vm.expectRevert(
            abi.encodeWithSelector(TradeLedger.TradeLedgerStaleSequence.selector, last, sequence)
        );
        ledger.submitSignal(r, sigs);
    }

    function test_submitSignal_withoutQuorumReverts() public {
        ReportTypes.SignalReport memory r = _signalReport(
            1,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            new uint8[](0),
            new int16[](0)
        );
        bytes memory sigs = _sign(Signing.hashSignalReport(r), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRegistry.OracleRegistryTooFewSignatures.selector, 1, 2)
        );
        ledger.submitSignal(r, sigs);
        assertEq(ledger.head(), bytes32(0), "head unchanged");
    }

    // ------------------------------------------------------------------ risk property

    /// @notice Random caps, gross limit and kill levels; a run of random signals. Every accepted signal
    /// respects every limit in force (checked against an independent statement of the rules, with the
    /// previous accepted targets tracked here), and every signal that respects them is accepted.
    function testFuzz_submitSignal_acceptedSignalsRespectLimits(uint256 seed) public {
        for (uint8 i = 0; i < ASSETS; ++i) {
            uint256 r = _rand(seed, 1000 + i);
            _setAsset(i, r % 4 == 0 ? 0 : uint16((r >> 8) % 5_001), (r >> 24) % 2 == 0);
        }
        IRiskPolicy.Limits memory l = policy.limits();
        l.maxGrossBps = uint16(_rand(seed, 2000) % 15_001);
        policy.setLimits(l);

        int16[16] memory prev;
        uint256 accepted;
        for (uint64 seq = 1; seq <= 6; ++seq) {
            uint256 r = _rand(seed, 3000 + seq);
            // Kill level: Normal half the time at first, stricter later.
            policy.setKillLevel(IRiskPolicy.KillLevel(r % 4 < 2 && seq < 3 ? 0 : (r >> 8) % 4), "fuzz");
            (uint8[] memory assets, int16[] memory weights) = _randomTargets(r, prev);
            bool expected = _respectsLimits(assets, weights, prev);
            ReportTypes.SignalReport memory rep = _signalReport(
                seq,
                uint64(block.timestamp + 600),
                uint64(block.timestamp),
                assets,
                weights
            );
            bool ok = ledger.submitSignal(rep, _sign(Signing.hashSignalReport(rep), 2));
            assertEq(ok ? 1 : 0, expected ? 1 : 0, "accepted iff within every limit in force");
            if (ok) {
                ++accepted;
                delete prev;
                for (uint256 i = 0; i < assets.length; ++i) prev[assets[i]] = weights[i];
                for (uint8 a = 0; a < 16; ++a) {
                    assertEq(int256(ledger.targetWeight(a)), int256(prev[a]), "stored target");
                }
            }
            vm.warp(block.timestamp + 60);
        }
    }

    function testFuzz_submitSignal_outOfOrderTimestampRejected(uint256 back, uint256 ahead) public {
        ReportTypes.SignalReport memory r = _signalReport(
            1,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            new uint8[](0),
            new int16[](0)
        );
        assertTrue(ledger.submitSignal(r, _sign(Signing.hashSignalReport(r), 2)), "first accepted");
        uint64 t0 = uint64(block.timestamp);
        vm.warp(block.timestamp + 100);
        // Older than the last accepted decision, or from the future: recorded as rejected.
        uint64 ts =
            bound(back, 0, 1) == 0
                ? uint64(t0 - bound(back, 1, 1_000_000))
                : uint64(block.timestamp + bound(ahead, 1, 1_000_000));
        r = _signalReport(2, uint64(block.timestamp + 600), ts, new uint8[](0), new int16[](0));
        assertFalse(ledger.submitSignal(r, _sign(Signing.hashSignalReport(r), 2)), "rejected");
        (uint64 s, , uint64 lastAccepted) = ledger.sequences();
        assertEq(s, 2, "sequence consumed");
        assertEq(lastAccepted, 1, "still the first");
    }
}

/// @notice The limits in force only get stricter without governance: the guardian may tighten, never loosen.
contract RiskPolicyGuardianTest is LedgerBase {
    address private guardian = address(0x6A4D);

    function setUp() public {
        _deploy();
        policy.grantRole(policy.GUARDIAN_ROLE(), guardian);
    }

    function testFuzz_tightenLimits_succeedsIffNothingLoosens(uint256 seed, uint8 startKill) public {
        policy.setKillLevel(IRiskPolicy.KillLevel(startKill % 4), "start");
        IRiskPolicy.Limits memory c = policy.limits();
        IRiskPolicy.Limits memory n = IRiskPolicy.Limits({
            maxGrossBps: _near(c.maxGrossBps, seed, 0),
            maxDailyLossBps: _near(c.maxDailyLossBps, seed, 1),
            maxDrawdownBps: _near(c.maxDrawdownBps, seed, 2),
            maxOffchainBps: _near(c.maxOffchainBps, seed, 3),
            maxNavChangeBps: _near(c.maxNavChangeBps, seed, 4),
            sizeToleranceBps: _near(c.sizeToleranceBps, seed, 5),
            killLevel: IRiskPolicy.KillLevel(_rand(seed, 6) % 4)
        });
        bool tighter =
            n.maxGrossBps <= c.maxGrossBps &&
                n.maxDailyLossBps <= c.maxDailyLossBps &&
                n.maxDrawdownBps <= c.maxDrawdownBps &&
                n.maxOffchainBps <= c.maxOffchainBps &&
                n.maxNavChangeBps <= c.maxNavChangeBps &&
                n.sizeToleranceBps <= c.sizeToleranceBps &&
                n.killLevel >= c.killLevel;
        vm.prank(guardian);
        (bool ok, ) = address(policy).call(abi.encodeCall(RiskPolicy.tightenLimits, (n)));
        assertEq(ok ? 1 : 0, tighter ? 1 : 0, "guardian change applies iff nothing loosens");
        IRiskPolicy.Limits memory after_ = policy.limits();
        assertEq(
            keccak256(abi.encode(after_)),
            keccak256(abi.encode(ok ? n : c)),
            "limits are the new ones when applied, else unchanged"
        );
    }

    function testFuzz_tightenAsset_succeedsIffNothingLoosens(uint256 seed, uint8 index) public {
        index %= ASSETS;
        IRiskPolicy.AssetConfig memory c = policy.assetConfig(index);
        IRiskPolicy.AssetConfig memory n = IRiskPolicy.AssetConfig({
            feed: _rand(seed, 0) % 8 == 0 ? address(0xFEED) : c.feed,
            maxDeviationBps: _near(c.maxDeviationBps, seed, 1),
            maxStaleness: uint32(_near(uint16(c.maxStaleness), seed, 2)),
            feedDecimals: c.feedDecimals,
            maxWeightBps: _near(c.maxWeightBps, seed, 3),
            shortable: _rand(seed, 4) % 2 == 0
        });
        bool tighter =
            n.feed == c.feed &&
                n.maxDeviationBps <= c.maxDeviationBps &&
                n.maxStaleness <= c.maxStaleness &&
                n.maxWeightBps <= c.maxWeightBps &&
                (!n.shortable || c.shortable);
        vm.prank(guardian);
        (bool ok, ) = address(policy).call(abi.encodeCall(RiskPolicy.tightenAsset, (index, n)));
        assertEq(ok ? 1 : 0, tighter ? 1 : 0, "guardian asset change applies iff nothing loosens");
    }

    function testFuzz_raiseKillLevel_neverLowers(uint8 from, uint8 to) public {
        policy.setKillLevel(IRiskPolicy.KillLevel(from % 4), "start");
        vm.prank(guardian);
        (bool ok, ) = address(policy).call(
            abi.encodeCall(RiskPolicy.raiseKillLevel, (IRiskPolicy.KillLevel(to % 4), "guardian"))
        );
        assertEq(ok ? 1 : 0, to % 4 >= from % 4 ? 1 : 0, "raise only");
        assertGe(uint256(policy.killLevel()), from % 4, "never lower than before");
    }

    /// @dev A value at, just below, just above, or well away from `current`.
    function _near(uint16 current, uint256 seed, uint256 salt) private pure returns (uint16) {
        uint256 r = _rand(seed, 100 + salt);
        uint256 mode = r % 4;
        if (mode == 0) return current;
        if (mode == 1) return current == 0 ? 0 : current - 1;
        if (mode == 2) return current == type(uint16).max ? current : current + 1;
        return uint16((r >> 8) % 10_001);
    }
}

/// @notice Drives the ledger with random signals, fills, kill levels, limit changes and time, and
/// rebuilds the hash chain from the ledger's events with hashes it computes itself.
contract LedgerHandler is LedgerBase {
    bytes32 public rebuiltHead;
    uint256 public linkMismatches; // an event's head differs from the rebuilt link
    uint256 public hashMismatches; // an event's report or fill differs from what was submitted
    uint256 public eventCountMismatches;
    uint256 public limitBreaches; // accepted although a limit in force was broken
    uint256 public missedAcceptances; // rejected although every limit was respected
    uint256 public unexpectedReverts; // a well-formed, co-signed, fresh report reverted
    uint256 public invalidAccepted; // a report without quorum, stale, replayed or of an old config went through
    uint256 public acceptedCount;
    uint256 public rejectedCount;
    uint256 public fillCount;

    uint64 public signalSeq;
    uint64 public execSeq;
    uint64 private _lastAccepted;
    uint256 private _lastSignalTime;
    int16[16] private _model; // targets of the last accepted signal
    address private _feedOwner;

    constructor(
        OracleRegistry registry_,
        RiskPolicy policy_,
        TradeLedger ledger_,
        MockAggregator[] memory feeds_,
        uint256[] memory pks_,
        address feedOwner
    ) {
        registry = registry_;
        policy = policy_;
        ledger = ledger_;
        for (uint256 i = 0; i < feeds_.length; ++i) feeds.push(feeds_[i]);
        for (uint256 i = 0; i < pks_.length; ++i) pks.push(pks_[i]);
        _feedOwner = feedOwner;
    }

    function submitSignal(uint256 seed, uint256 timeMode) external {
        (uint8[] memory assets, int16[] memory weights) = _randomTargets(seed, _model);
        uint256 ts = block.timestamp;
        timeMode %= 16;
        if (timeMode == 0)
            ts += 1 + (seed % 1000); // from the future
        else if (timeMode == 1 && _lastSignalTime > 0) ts = _lastSignalTime - 1; // older than the last
        bool expected =
            ts <= block.timestamp && ts >= _lastSignalTime && _respectsLimits(assets, weights, _model);

        uint64 seq = signalSeq + 1;
        ReportTypes.SignalReport memory r = _signalReport(
            seq,
            uint64(block.timestamp + 600),
            uint64(ts),
            assets,
            weights
        );
        bytes32 reportHash = Signing.hashSignalReport(r);
        bytes memory sigs = _sign(reportHash, 2 + (seed % 2));

        vm.recordLogs();
        bool ok;
        try ledger.submitSignal(r, sigs) returns (bool accepted) {
            ok = accepted;
        } catch {
            ++unexpectedReverts;
            return;
        }
        signalSeq = seq;
        if (ok && !expected) ++limitBreaches;
        if (!ok && expected) ++missedAcceptances;
        if (ok) {
            ++acceptedCount;
            _lastAccepted = seq;
            _lastSignalTime = ts;
            delete _model;
            for (uint256 i = 0; i < assets.length; ++i) _model[assets[i]] = weights[i];
        } else {
            ++rejectedCount;
        }

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 seen;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(ledger)) continue;
            ++seen;
            bytes32 topic = logs[i].topics[0];
            uint8 reason;
            bytes32 eventHead;
            ReportTypes.Signal memory s;
            if (topic == TradeLedger.SignalAccepted.selector) {
                (s, , eventHead) = abi.decode(logs[i].data, (ReportTypes.Signal, uint256, bytes32));
                if (!ok) ++hashMismatches;
            } else if (topic == TradeLedger.SignalRejected.selector) {
                IRiskPolicy.Violation v;
                (v, s, eventHead) = abi.decode(
                    logs[i].data,
                    (IRiskPolicy.Violation, ReportTypes.Signal, bytes32)
                );
                reason = uint8(v);
                if (ok || v == IRiskPolicy.Violation.None) ++hashMismatches;
            } else {
                ++eventCountMismatches;
                continue;
            }
            if (uint64(uint256(logs[i].topics[1])) != seq || logs[i].topics[2] != reportHash)
                ++hashMismatches;
            if (Signing.hashSignal(s) != Signing.hashSignal(r.signal)) ++hashMismatches;
            rebuiltHead = keccak256(abi.encode(rebuiltHead, uint8(1), seq, reportHash, reason));
            if (eventHead != rebuiltHead) ++linkMismatches;
        }
        if (seen != 1) ++eventCountMismatches;
    }

    function submitExecution(uint256 seed) external {
        uint256 n = 1 + (seed % 3);
        ReportTypes.Fill[] memory fills = new ReportTypes.Fill[](n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = _rand(seed, 500 + i);
            uint8 asset = uint8(r % 12);
            uint256 price = uint256(FEED_PRICE);
            // Within +-4% of the reference price: sometimes beyond the 2% deviation limit.
            price = (price * (9_600 + ((r >> 8) % 801))) / 10_000;
            int256 qty = int256((r >> 32) % 5e9);
            if ((r >> 96) % 2 == 0) qty = -qty;
            fills[i] = ReportTypes.Fill({
                asset: asset,
                quantityE8: int128(qty),
                priceE8: uint64(price),
                feeE8: uint64((r >> 128) % 1e6),
                orderRef: keccak256(abi.encode("order", execSeq, i)),
                timestamp: uint64(block.timestamp)
            });
        }
        uint256 pick = (seed >> 128) % 5;
        uint64 signalSequence =
            pick < 3
                ? _lastAccepted
                : pick == 3
                    ? signalSeq
                    : signalSeq + 1;

        uint64 seq = execSeq + 1;
        ReportTypes.ExecutionReport memory rep = _executionReport(
            seq,
            uint64(block.timestamp + 600),
            signalSequence,
            fills
        );
        bytes32 reportHash = Signing.hashExecutionReport(rep);
        bytes memory sigs = _sign(reportHash, 2);
        vm.recordLogs();
        try ledger.submitExecution(rep, sigs) {} catch {
            ++unexpectedReverts;
            return;
        }
        execSeq = seq;
        fillCount += n;

        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 k;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(ledger)) continue;
            if (logs[i].topics[0] != TradeLedger.TradeRecorded.selector || k >= n) {
                ++eventCountMismatches;
                continue;
            }
            (bytes32 fillHash, ReportTypes.Fill memory f, , uint16 violations, bytes32 eventHead) = abi
                .decode(logs[i].data, (bytes32, ReportTypes.Fill, int256, uint16, bytes32));
            bytes32 mine = Signing.hashFill(fills[k]);
            if (fillHash != mine || Signing.hashFill(f) != mine) ++hashMismatches;
            if (uint64(uint256(logs[i].topics[1])) != seq) ++hashMismatches;
            if (uint64(uint256(logs[i].topics[2])) != signalSequence) ++hashMismatches;
            rebuiltHead = keccak256(abi.encode(rebuiltHead, uint8(2), seq, signalSequence, mine, violations));
            if (eventHead != rebuiltHead) ++linkMismatches;
            ++k;
        }
        if (k != n) ++eventCountMismatches;
    }

    function setKillLevel(uint8 level) external {
        // Normal half the time, so that accepted signals keep coming after fills trip the breaker.
        policy.setKillLevel(IRiskPolicy.KillLevel(level % 8 < 4 ? 0 : level % 4), "handler");
    }

    function retuneAsset(uint8 index, uint16 maxWeight, bool shortable) external {
        _setAsset(index % ASSETS, maxWeight % 6_001, shortable);
    }

    function setMaxGross(uint16 maxGross) external {
        IRiskPolicy.Limits memory l = policy.limits();
        l.maxGrossBps = maxGross % 20_001;
        policy.setLimits(l);
    }

    /// @notice A report that must not change state: too few or foreign signatures, past its deadline,
    /// a replayed sequence, or signed under a configuration that is not the current one.
    function submitInvalid(uint256 seed, uint8 mode) external {
        bytes32 head = ledger.head();
        uint256 pkForeign = uint256(keccak256(abi.encode("foreign", seed)));
        int16[16] memory none;
        (uint8[] memory assets, int16[] memory weights) = _randomTargets(seed, none);
        ReportTypes.SignalReport memory r = _signalReport(
            signalSeq + 1,
            uint64(block.timestamp + 600),
            uint64(block.timestamp),
            assets,
            weights
        );
        mode %= 5;
        if (mode == 2) r.deadline = uint64(block.timestamp - 1 - (seed % 1 days));
        if (mode == 3) r.sequence = signalSeq; // replay of the last sequence (or 0 before any)
        if (mode == 4) r.configDigest = keccak256(abi.encode(r.configDigest, seed));
        bytes32 structHash = Signing.hashSignalReport(r);
        bytes memory sigs;
        if (mode == 0) {
            sigs = _sign(structHash, 1);
        } else if (mode == 1) {
            uint256[] memory keys = new uint256[](2);
            keys[0] = pks[seed % 3];
            keys[1] = pkForeign;
            sigs = Signing.cosign(keys, registry.hashTypedData(structHash));
        } else {
            sigs = _sign(structHash, 2);
        }
        try ledger.submitSignal(r, sigs) {
            ++invalidAccepted;
        } catch {}
        if (ledger.head() != head) ++invalidAccepted;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + (dt % 2 hours));
    }

    function refreshFeeds(uint256 seed) external {
        for (uint256 i = 0; i < feeds.length; ++i) {
            vm.prank(_feedOwner);
            feeds[i].setAnswer(FEED_PRICE + int256(_rand(seed, i) % 2e8) - 1e8);
        }
    }
}

/// @notice Invariant: the ledger's head equals the chain rebuilt from its events; accepted signals keep
/// every limit in force; well-formed reports never revert.
contract TradeLedgerInvariantTest is LedgerBase {
    LedgerHandler private handler;

    function setUp() public {
        _deploy();
        handler = new LedgerHandler(registry, policy, ledger, feeds, pks, address(this));
        policy.grantRole(policy.GOVERNANCE_ROLE(), address(handler));
        targetContract(address(handler));
    }

    function invariant_headMatchesRebuiltChain() public view {
        assertEq(ledger.head(), handler.rebuiltHead(), "head == chain rebuilt from events");
        assertEq(handler.linkMismatches(), 0, "every event's head is its rebuilt link");
        assertEq(handler.hashMismatches(), 0, "events carry the submitted reports and fills");
        assertEq(handler.eventCountMismatches(), 0, "one event per signal and per fill");
        (uint64 s, uint64 e, ) = ledger.sequences();
        assertEq(s, handler.signalSeq(), "signal sequence");
        assertEq(e, handler.execSeq(), "execution sequence");
    }

    function invariant_acceptedSignalsRespectLimits() public view {
        assertEq(handler.limitBreaches(), 0, "no accepted signal breaks a limit in force");
        assertEq(handler.missedAcceptances(), 0, "signals within every limit are accepted");
        assertEq(handler.unexpectedReverts(), 0, "well-formed reports never revert");
        assertEq(handler.invalidAccepted(), 0, "no report without quorum, fresh deadline and new sequence");
    }
}
