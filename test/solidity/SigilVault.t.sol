// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRiskPolicy} from "../../contracts/interfaces/IRiskPolicy.sol";
import {ISigilVault} from "../../contracts/interfaces/ISigilVault.sol";
import {ReportTypes} from "../../contracts/libraries/ReportTypes.sol";
import {MockStable} from "../../contracts/mocks/MockStable.sol";
import {OracleRegistry} from "../../contracts/oracle/OracleRegistry.sol";
import {RiskPolicy} from "../../contracts/risk/RiskPolicy.sol";
import {EpochBook} from "../../contracts/vault/EpochBook.sol";
import {SigilVault} from "../../contracts/vault/SigilVault.sol";
import {Signing} from "./utils/Signing.sol";
import {Test} from "./utils/Test.sol";

/// @notice Deployment and the request / settle / claim plumbing shared by the vault tests.
abstract contract VaultBase is Test {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant VIRTUAL_SHARES = 1e6; // 10 ** decimals offset
    uint256 internal constant USD = 1e6;
    uint32 internal constant EPOCH = 1 hours;
    uint32 internal constant MAX_NAV_AGE = 1 hours;
    uint32 internal constant CONFIRM_DELAY = 6 hours;

    MockStable internal asset;
    OracleRegistry internal registry;
    RiskPolicy internal policy;
    SigilVault internal vault;
    EpochBook internal book;
    uint256[] internal pks;
    address internal custodian = address(0xC057);
    address internal treasury = address(0x7EA5);
    address internal operatorRewards = address(0x0BE5);

    function _deploy() internal {
        vm.warp(1_700_000_000);
        asset = new MockStable();
        registry = new OracleRegistry(address(this));
        uint256[] memory keys = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) keys[i] = uint256(keccak256(abi.encode("vault-operator", i)));
        Signing.sortByAddress(keys);
        address[] memory ops = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            pks.push(keys[i]);
            ops[i] = vm.addr(keys[i]);
        }
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
        vault = new SigilVault(
            asset,
            registry,
            policy,
            address(this),
            1e15 * USD,
            SigilVault.Schedule({
                epochDuration: EPOCH,
                maxNavAge: MAX_NAV_AGE,
                navConfirmDelay: CONFIRM_DELAY,
                navTtl: 2 days,
                riskWindow: 1 days
            })
        );
        book = vault.epochBook();
        policy.grantRole(policy.BREAKER_ROLE(), address(vault));
        vault.grantRole(vault.CUSTODIAN_ROLE(), custodian);
        vault.setOperatorRewards(operatorRewards);
        _setFees(0, 0, 0);
        vm.prank(custodian);
        asset.approve(address(vault), type(uint256).max);
    }

    function _setFees(uint256 mgmt, uint256 perf, uint256 opShare) internal {
        vault.setFees(
            SigilVault.Fees({
                managementBps: uint16(mgmt),
                performanceBps: uint16(perf),
                operatorShareBps: uint16(opShare),
                treasury: treasury
            })
        );
    }

    /// @dev A report valued at `timestamp` whose venue reflected `credited` of the custody sent and
    /// `debited` of the custody returned.
    function _navReportAt(
        uint256 venueEquity,
        uint256 credited,
        uint256 debited,
        uint64 timestamp
    ) internal view returns (ReportTypes.NavReport memory r) {
        r.configDigest = registry.configDigest();
        r.sequence = vault.navSequence() + 1;
        r.deadline = uint64(block.timestamp + 600);
        r.nav = ReportTypes.Nav({
            epoch: vault.currentEpoch(),
            vault: address(vault),
            venueEquity: venueEquity,
            custodySent: credited,
            custodyReturned: debited,
            timestamp: timestamp,
            venueSnapshotHash: keccak256(abi.encode("snapshot", venueEquity))
        });
    }

    /// @dev A report valued now by a venue that has seen every custody move booked on-chain.
    function _navReport(uint256 venueEquity) internal view returns (ReportTypes.NavReport memory) {
        (uint256 sent, uint256 returned) = vault.custodyTotals();
        return _navReportAt(venueEquity, sent, returned, uint64(block.timestamp));
    }

    function _cosign(bytes32 structHash) internal view returns (bytes memory) {
        uint256[] memory keys = new uint256[](2);
        keys[0] = pks[0];
        keys[1] = pks[2];
        return Signing.cosign(keys, registry.hashTypedData(structHash));
    }

    /// @dev Move the clock to the epoch's cut-off if it has not passed yet.
    function _toCutoff() internal {
        (, uint64 cutoff) = book.epochState();
        if (block.timestamp < cutoff) vm.warp(cutoff);
    }

    function _submit(ReportTypes.NavReport memory r) internal {
        vault.settle(r, _cosign(Signing.hashNavReport(r)));
    }

    /// @dev Settle after the cut-off with a report valued now.
    function _settle(uint256 venueEquity) internal {
        _toCutoff();
        _submit(_navReport(venueEquity));
    }

    /// @dev The booked venue equity (never negative in these tests).
    function _booked() internal view returns (uint256) {
        int256 e = vault.offchainEquity();
        return e > 0 ? uint256(e) : 0;
    }

    /// @dev Settle at the booked venue equity: NAV unchanged.
    function _settleFlat() internal {
        _settle(_booked());
    }

    function _pps() internal view returns (uint256 pps) {
        (pps, ) = vault.sharePrice();
    }

    function _requestDeposit(address who, uint256 amount) internal returns (uint64 epoch) {
        asset.mint(who, amount);
        vm.startPrank(who);
        asset.approve(address(vault), amount);
        epoch = vault.requestDeposit(amount, who);
        vm.stopPrank();
    }

    function _claimDeposit(address who) internal returns (uint256 shares) {
        vm.prank(who);
        shares = vault.claimDeposit(who);
    }

    function _requestRedeem(address who, uint256 shares) internal returns (uint64 batch) {
        vm.prank(who);
        batch = vault.requestRedeem(shares, who, who);
    }

    function _claimRedeem(address who) internal returns (uint256 assets) {
        vm.prank(who);
        assets = vault.claimRedeem(who);
    }

    function _donate(address who, uint256 amount) internal {
        asset.mint(who, amount);
        vm.prank(who);
        asset.transfer(address(vault), amount);
    }

    function _send(uint256 amount) internal {
        vm.prank(custodian);
        vault.sendToVenue(amount, "venue");
    }

    function _return(uint256 amount) internal {
        asset.mint(custodian, amount);
        vm.prank(custodian);
        vault.returnFromVenue(amount, "home");
    }
}

/// @notice Rounding favours the vault, the inflation attack does not pay, fees stay within their rates,
/// custody moves never move the price, requests never settle at a price valued before them.
contract SigilVaultTest is VaultBase {
    address private alice = address(0xA11CE);
    address private bob = address(0xB0B);
    address private attacker = address(0xBAD);

    function setUp() public {
        _deploy();
    }

    /// @notice A deposit followed by a full redemption, both through settlements at unchanged NAV, never
    /// returns more than was deposited, whatever the existing book (other holders, donations, custody).
    function testFuzz_roundTrip_neverReturnsMoreThanDeposited(
        uint256 existing,
        uint256 donation,
        uint256 sent,
        uint256 amount,
        uint256 feeSeed
    ) public {
        existing = bound(existing, 0, 10_000_000 * USD);
        donation = bound(donation, 0, 1_000_000 * USD);
        amount = bound(amount, 1, 10_000_000 * USD);
        if (existing != 0) {
            _requestDeposit(bob, existing);
            _settleFlat();
            _claimDeposit(bob);
        }
        if (donation != 0) _donate(address(0xD0), donation);
        _settleFlat();
        uint256 total = vault.totalAssets();
        sent = bound(sent, 0, (total * 8_000) / BPS);
        if (sent != 0) _send(sent);
        _setFees(bound(feeSeed, 0, 500), bound(feeSeed >> 16, 0, 3_000), bound(feeSeed >> 32, 0, BPS));

        _requestDeposit(alice, amount);
        vm.warp(block.timestamp + bound(feeSeed >> 48, 0, 1 days));
        _settleFlat();
        uint256 shares = _claimDeposit(alice);
        if (shares == 0) return; // a dust deposit buys nothing: the vault keeps it
        _requestRedeem(alice, shares);
        vm.warp(block.timestamp + bound(feeSeed >> 64, 0, 1 days));
        // Enough idle for the redemption: bring the venue funds home first if needed.
        uint256 away = _booked();
        if (away != 0) _return(away);
        _settleFlat();
        uint256 back = _claimRedeem(alice);
        assertLe(back, amount, "round trip never pays more than deposited");
    }

    /// @notice The first depositor deposits a little, donates `donation` straight to the vault, and a
    /// victim deposits next; whatever the sizes, the attacker never gets back more than it put in.
    function testFuzz_inflationAttack_neverProfits(
        uint256 seed,
        uint256 donation,
        uint256 victimDeposit,
        bool sameEpoch
    ) public {
        uint256 first = bound(seed, 1, 1_000 * USD);
        donation = bound(donation, 1, 100_000_000 * USD);
        victimDeposit = bound(victimDeposit, 1, 100_000_000 * USD);

        _requestDeposit(attacker, first);
        if (sameEpoch) {
            // Donation before the first settlement: the attacker's own request is priced after it.
            _donate(attacker, donation);
            _settleFlat();
        } else {
            _settleFlat();
            _donate(attacker, donation);
        }
        _requestDeposit(alice, victimDeposit);
        _settleFlat();
        uint256 attackerShares = _claimDeposit(attacker);
        uint256 victimShares = _claimDeposit(alice);

        if (attackerShares != 0) _requestRedeem(attacker, attackerShares);
        if (victimShares != 0) _requestRedeem(alice, victimShares);
        _settleFlat();
        uint256 attackerBack = attackerShares == 0 ? 0 : _claimRedeem(attacker);
        uint256 victimBack = victimShares == 0 ? 0 : _claimRedeem(alice);

        assertLe(attackerBack, first + donation, "attacker never profits");
        assertLe(victimBack, victimDeposit, "victim never gains from rounding either");
        // What the attacker took from the victim is less than what it burnt: net, the attack is a loss.
        uint256 victimLoss = victimDeposit - victimBack;
        uint256 attackerLoss = first + donation - attackerBack;
        assertGe(attackerLoss, victimLoss, "the attack costs more than it extracts");
    }

    /// @notice Fee shares minted at a settlement, valued at the settlement price, never exceed the
    /// management rate over the elapsed time plus the performance rate on the gain above the high-water
    /// mark, and are not below them beyond rounding.
    function testFuzz_fees_neverExceedTheirRates(
        uint256 rates,
        uint256 deposit,
        uint256 dt,
        uint256 moveBps,
        uint256 rounds
    ) public {
        deposit = bound(deposit, 1 * USD, 10_000_000 * USD);
        _requestDeposit(alice, deposit);
        _settleFlat();
        _claimDeposit(alice);
        uint256 mgmtBps = bound(rates, 0, 500);
        uint256 perfBps = bound(rates >> 16, 0, 3_000);
        _setFees(mgmtBps, perfBps, bound(rates >> 32, 0, BPS));
        _send((vault.totalAssets() * 8_000) / BPS);

        // The high-water mark as this test sees it: the best post-settlement price so far (1e18 scale).
        uint256 hwm = Math.mulDiv(vault.totalAssets() + 1, 1e18, vault.totalSupply() + VIRTUAL_SHARES);
        rounds = bound(rounds, 1, 4);
        for (uint256 i = 0; i < rounds; ++i) {
            uint256 elapsed = bound(uint256(keccak256(abi.encode(dt, i))), 0, 400 days);
            vm.warp(block.timestamp + elapsed);
            // Venue equity moves by -20%..+25% of the booked total (within the 25% report bound).
            uint256 booked = vault.totalAssets();
            uint256 offchain = _booked();
            uint256 m = bound(uint256(keccak256(abi.encode(moveBps, i))), 0, 4_500);
            uint256 venue =
                m >= 2_000
                    ? offchain + (booked * (m - 2_000)) / BPS
                    : offchain - Math.min(offchain, (booked * m) / BPS);
            _checkFeeSettlement(venue, _elapsedAtCutoff(), mgmtBps, perfBps, hwm);
            hwm = Math.max(
                hwm,
                Math.mulDiv(vault.totalAssets() + 1, 1e18, vault.totalSupply() + VIRTUAL_SHARES)
            );
            (, uint256 vaultHwm) = vault.sharePrice();
            assertEq(vaultHwm, hwm, "high-water mark is the best post-fee price");
            if (policy.killLevel() != IRiskPolicy.KillLevel.Normal) {
                policy.setKillLevel(IRiskPolicy.KillLevel.Normal, "test");
            }
        }
    }

    /// @dev Move to the cut-off; seconds since the last settled valuation.
    function _elapsedAtCutoff() private returns (uint256) {
        _toCutoff();
        (, uint64 lastNavTime) = vault.lastNav();
        return block.timestamp - lastNavTime;
    }

    function _checkFeeSettlement(
        uint256 venue,
        uint256 elapsed,
        uint256 mgmtBps,
        uint256 perfBps,
        uint256 hwm
    ) private {
        uint256 assetsBefore = vault.totalAssets() - _booked() + venue;
        uint256 supply = vault.totalSupply();
        uint256 feeSharesBefore = vault.balanceOf(treasury) + vault.balanceOf(operatorRewards);

        _submit(_navReport(venue));

        uint256 feeShares = vault.balanceOf(treasury) + vault.balanceOf(operatorRewards) - feeSharesBefore;
        // Settlement price after fees (no deposits or redemptions pending in this test).
        uint256 value = Math.mulDiv(feeShares, vault.totalAssets() + 1, vault.totalSupply() + VIRTUAL_SHARES);

        uint256 mgmtMax = Math.mulDiv(assetsBefore, mgmtBps * elapsed, BPS * YEAR);
        // Gain above the high-water mark of every share, the virtual ones included, in assets.
        uint256 worthNow = (assetsBefore + 1) * 1e18;
        uint256 worthAtHwm = hwm * (supply + VIRTUAL_SHARES);
        uint256 perfMax = worthNow > worthAtHwm ? Math.mulDiv(worthNow - worthAtHwm, perfBps, 1e18 * BPS) : 0;
        assertLe(value, mgmtMax + perfMax, "fees within their rates");

        // And the fee is actually charged: the performance part on the gain left after management.
        uint256 worthAfterMgmt = (assetsBefore - mgmtMax + 1) * 1e18;
        uint256 perfDue =
            worthAfterMgmt > worthAtHwm ? Math.mulDiv(worthAfterMgmt - worthAtHwm, perfBps, 1e18 * BPS) : 0;
        uint256 due = mgmtMax + perfDue;
        if (due < assetsBefore) {
            assertGe(value + 3 + due / 1e9, due, "fees charged at their rates");
        }
    }

    /// @notice Item 1: a custody move between a report's valuation and its settlement, or still in
    /// transit, neither loses nor double-counts assets. A watcher who deposits right after the move and
    /// redeems after the next honest settlement never gains, and the existing holder keeps its value.
    function testFuzz_custodyBetweenValuationAndSettlement_neitherLostNorDoubled(
        uint256 seed,
        uint256 move,
        uint256 watcherDeposit,
        bool send,
        bool inTransit
    ) public {
        uint256 deposit = bound(seed, 1_000 * USD, 10_000_000 * USD);
        _requestDeposit(alice, deposit);
        _settleFlat();
        _claimDeposit(alice);
        _send((deposit * 5_000) / BPS); // the venue holds half, and it has been credited
        _settleFlat();

        uint256 ppsBefore = _pps();
        (uint256 sent, uint256 returned) = vault.custodyTotals();
        uint256 venueEquity = _booked();
        _toCutoff();
        uint64 valuedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + bound(seed >> 64, 0, MAX_NAV_AGE - 1));
        if (send) {
            move = bound(move, 1, (vault.totalAssets() * 8_000) / BPS - _booked());
            // Sent after the valuation: the report does not reflect it, in transit or credited since.
            _send(move);
        } else {
            move = bound(move, 1, venueEquity);
            // The venue paid it out after the valuation; in transit, or already returned on-chain.
            if (!inTransit) _return(move);
        }
        assertEq(_pps(), ppsBefore, "a custody move never moves the price");
        watcherDeposit = bound(watcherDeposit, 1, 10_000_000 * USD);
        _requestDeposit(bob, watcherDeposit);

        // The report as the venue saw it at `valuedAt`: before the move.
        ReportTypes.NavReport memory r = _navReportAt(venueEquity, sent, returned, valuedAt);
        _submit(r);
        assertEq(vault.currentEpoch(), 4, "the report settled");
        if (!send && inTransit) {
            // The venue paid out `move` after the valuation, but it has not reached the vault yet: the
            // next report says so (its equity is lower, its returned counter higher), and the vault
            // books the transit.
            _toCutoff();
            _submit(_navReportAt(venueEquity - move, sent, returned + move, uint64(block.timestamp)));
            assertEq(_pps(), ppsBefore, "in transit back: price unchanged");
            _return(move);
        }
        assertEq(_pps(), ppsBefore, "no phantom gain or loss at settlement");
        _settleFlat();
        uint256 shares = _claimDeposit(bob);
        if (shares != 0) {
            _requestRedeem(bob, shares);
            if (_booked() != 0) _return(_booked());
            _settleFlat();
            assertLe(_claimRedeem(bob), watcherDeposit, "the watcher never gains");
        }
        assertGe(_pps() + 1, ppsBefore, "the holder keeps its value");
    }

    /// @notice Item 3: a request made after the cut-off joins the next epoch, so the epoch's report (valued
    /// at or after the cut-off, before the request) does not settle it; it cannot be cancelled once its
    /// epoch's cut-off has passed; and a report valued before the cut-off is refused.
    function testFuzz_requestAfterCutoff_neverSettlesAtAnEarlierValuation(
        uint256 seed,
        uint256 after_
    ) public {
        _requestDeposit(alice, 10_000 * USD);
        _settleFlat();
        _claimDeposit(alice);
        (uint64 epoch, uint64 cutoff) = book.epochState();
        vm.warp(cutoff);
        uint64 valuedAt = uint64(block.timestamp);
        vm.warp(block.timestamp + bound(after_, 0, MAX_NAV_AGE - 1));
        uint64 joined = _requestDeposit(bob, bound(seed, 1, 1_000_000 * USD));
        assertEq(joined, epoch + 1, "after the cut-off, the next epoch");

        // A report valued before the cut-off is refused.
        ReportTypes.NavReport memory early = _navReportAt(_booked(), 0, 0, cutoff - 1);
        bytes memory sigs = _cosign(Signing.hashNavReport(early));
        vm.expectRevert(
            abi.encodeWithSelector(ISigilVault.SigilVaultValuedBeforeCutoff.selector, cutoff - 1, cutoff)
        );
        vault.settle(early, sigs);

        _submit(_navReportAt(_booked(), 0, 0, valuedAt));
        (uint256 pending, , , ) = book.depositRequestOf(bob);
        assertGt(pending, 0, "bob's request waits for the next epoch");
        // Bob's epoch has its own cut-off; once past, the request cannot be cancelled.
        (, uint64 next) = book.epochState();
        vm.warp(next);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ISigilVault.SigilVaultNothingToCancel.selector, bob, next));
        vault.cancelDepositRequest();
    }

    /// @notice Item 2: a loss larger than the NAV bound is not booked by one report, but it trips the
    /// breakers at once (ReduceOnly; Flatten past the drawdown limit), holders can still queue an exit,
    /// and a second report valued after the confirmation delay books it.
    function testFuzz_lossBeyondBound_tripsAndIsBookedAfterConfirmation(
        uint256 seed,
        uint256 lossBps
    ) public {
        uint256 deposit = bound(seed, 1_000 * USD, 10_000_000 * USD);
        _requestDeposit(alice, deposit);
        _settleFlat();
        _claimDeposit(alice);
        _send((deposit * 8_000) / BPS);
        _settleFlat();
        lossBps = bound(lossBps, 3_200, 10_000); // of the venue equity (80% of NAV): beyond the 25% bound
        uint256 venue = _booked() - (_booked() * lossBps) / BPS;
        uint256 navLossBps = ((_booked() - venue) * BPS) / vault.totalAssets();
        vm.assume(navLossBps > 2_500);
        uint64 epoch = vault.currentEpoch();
        _settle(venue);
        assertEq(vault.currentEpoch(), epoch, "not booked by one report");
        assertGe(uint256(policy.killLevel()), uint256(IRiskPolicy.KillLevel.ReduceOnly), "breaker tripped");
        if (navLossBps > 3_000) {
            assertEq(
                uint256(policy.killLevel()),
                uint256(IRiskPolicy.KillLevel.Flatten),
                "past max drawdown"
            );
        }
        // Holders can queue an exit even when the NAV goes stale.
        vm.warp(block.timestamp + 3 days);
        _requestRedeem(alice, vault.balanceOf(alice) / 2);
        // A later report agreeing with the first, valued after the delay, books the loss.
        _settle(venue);
        assertEq(vault.currentEpoch(), epoch + 1, "confirmed and booked");
        assertEq(_booked(), venue, "the loss is on the books");
    }

    /// @notice Item 6: compounding reports within the risk window cannot move the price beyond the bound.
    function testFuzz_navBound_isPerWindowNotPerReport(uint256 stepBps, uint256 n) public {
        _requestDeposit(alice, 1_000_000 * USD);
        _settleFlat();
        _claimDeposit(alice);
        _send(800_000 * USD);
        _settleFlat();
        uint256 start = _pps();
        stepBps = bound(stepBps, 500, 2_400);
        // Hourly reports, all within the confirmation delay of the first one rejected.
        n = bound(n, 2, 5);
        for (uint256 i = 0; i < n; ++i) {
            uint256 booked = vault.totalAssets();
            _settle(_booked() + (booked * stepBps) / BPS);
        }
        assertLe(_pps(), (start * (BPS + 2_500)) / BPS + 1, "within the bound of the window's lowest price");
    }

    function testFuzz_setFees_aboveCapReverts(uint16 mgmt, uint16 perf) public {
        vm.assume(mgmt > vault.MAX_MANAGEMENT_FEE_BPS() || perf > vault.MAX_PERFORMANCE_FEE_BPS());
        vm.expectRevert();
        _setFees(mgmt, perf, 0);
    }

    function testFuzz_settle_pastDeadlineReverts(uint256 lifetime, uint256 lateBy) public {
        _toCutoff();
        ReportTypes.NavReport memory r = _navReport(0);
        r.deadline = uint64(block.timestamp + bound(lifetime, 0, 30 days));
        bytes memory sigs = _cosign(Signing.hashNavReport(r));
        vm.warp(uint256(r.deadline) + bound(lateBy, 1, 365 days));
        vm.expectRevert(abi.encodeWithSelector(ISigilVault.SigilVaultReportExpired.selector, r.deadline));
        vault.settle(r, sigs);
    }

    function test_settle_replayReverts() public {
        _toCutoff();
        ReportTypes.NavReport memory r = _navReport(0);
        bytes memory sigs = _cosign(Signing.hashNavReport(r));
        vault.settle(r, sigs);
        vm.expectRevert(abi.encodeWithSelector(ISigilVault.SigilVaultStaleSequence.selector, 1, 1));
        vault.settle(r, sigs);
    }
}

/// @notice Random requests, cancels, claims, settlements (some valued before custody moves, some beyond
/// the NAV bound), custody moves with transit in both directions, venue P&L, donations and time among a
/// few actors, with the vault's books checked after every call. The venue is modelled exactly, so every
/// honest settlement must book the true NAV.
contract VaultHandler is VaultBase {
    address[] public actors;
    uint256 public unexpectedReverts;
    uint256 public invalidAccepted; // a NAV report without quorum, stale, replayed or of an old config went through
    uint256 public settlements;
    uint256 public rejectedNavs;
    uint256 public priceMovedByCustody; // a custody move changed the share price
    uint256 public settledBeforeRequest; // an epoch settled at a valuation earlier than one of its requests
    uint256 public wrongBooking; // an honest settlement booked something other than the true NAV
    uint256 public cancelledAfterCutoff; // a request was cancelled after its epoch's cut-off
    uint256 public unbookedLossNotTripped; // a rejected loss left the kill level below ReduceOnly

    // The venue, exactly: equity, custody credited and debited as the venue sees them.
    uint256 public venueEquity;
    uint256 public credited;
    uint256 public debited;

    mapping(uint64 epoch => uint256) public lastRequestAt;
    uint256 private _maxRequestAt; // latest request of any epoch up to the one settling next

    // A valuation taken earlier and not yet submitted.
    bool private _hasValuation;
    uint256 private _valEquity;
    uint256 private _valCredited;
    uint256 private _valDebited;
    uint64 private _valAt;
    int256 private _pnlSinceValuation; // venue P&L after the valuation (the next report's business)

    constructor(
        MockStable asset_,
        OracleRegistry registry_,
        RiskPolicy policy_,
        SigilVault vault_,
        uint256[] memory pks_
    ) {
        asset = asset_;
        registry = registry_;
        policy = policy_;
        vault = vault_;
        book = vault_.epochBook();
        for (uint256 i = 0; i < pks_.length; ++i) pks.push(pks_[i]);
        actors.push(address(0xA1));
        actors.push(address(0xA2));
        actors.push(address(0xA3));
        custodian = address(this);
        asset.approve(address(vault), type(uint256).max);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _noteRequest(uint64 epoch) private {
        if (block.timestamp > lastRequestAt[epoch]) lastRequestAt[epoch] = block.timestamp;
    }

    function requestDeposit(uint256 who, uint256 amount) external {
        address a = actors[who % actors.length];
        amount = bound(amount, 1, 5_000_000 * USD);
        (uint256 cap, , bool paused) = vault.parameters();
        if (
            paused ||
            policy.killLevel() == IRiskPolicy.KillLevel.Flatten ||
            !vault.isNavFresh() ||
            vault.totalAssets() >= cap
        ) return;
        asset.mint(a, amount);
        vm.prank(a);
        asset.approve(address(vault), amount);
        vm.prank(a);
        try vault.requestDeposit(amount, a) returns (uint64 epoch) {
            _noteRequest(epoch);
        } catch {
            ++unexpectedReverts;
        }
    }

    /// @dev Never needs a fresh NAV: holders can always queue an exit.
    function requestRedeem(uint256 who, uint256 shares) external {
        address a = actors[who % actors.length];
        uint256 balance = vault.balanceOf(a);
        if (balance == 0) return;
        shares = bound(shares, 1, balance);
        vm.prank(a);
        try vault.requestRedeem(shares, a, a) returns (uint64 batch) {
            _noteRequest(batch);
        } catch (bytes memory err) {
            // The one refusal by design: a deferred request in the same slot after the cut-off.
            if (bytes4(err) != ISigilVault.SigilVaultRequestPending.selector) ++unexpectedReverts;
        }
    }

    function cancelDeposit(uint256 who) external {
        address a = actors[who % actors.length];
        (uint256 pending, , , ) = book.depositRequestOf(a);
        if (pending == 0) return;
        (uint64 epoch, uint64 cutoff) = book.epochState();
        (EpochBook.Request[2] memory deps, ) = book.requestsOf(a);
        bool open;
        for (uint256 i = 0; i < 2; ++i) {
            if (deps[i].amount == 0) continue;
            if (deps[i].batch > epoch || (deps[i].batch == epoch && block.timestamp < cutoff)) open = true;
        }
        vm.prank(a);
        try vault.cancelDepositRequest() {
            if (!open) ++cancelledAfterCutoff;
        } catch {
            if (open) ++unexpectedReverts;
        }
    }

    function cancelRedeem(uint256 who) external {
        address a = actors[who % actors.length];
        (uint256 pending, , ) = book.redeemRequestOf(a);
        if (pending == 0) return;
        (uint64 epoch, uint64 cutoff) = book.epochState();
        (, EpochBook.Request[2] memory reds) = book.requestsOf(a);
        bool open;
        for (uint256 i = 0; i < 2; ++i) {
            if (reds[i].amount == 0) continue;
            if (reds[i].batch > epoch) open = true;
            else if (block.timestamp < cutoff) {
                (, , bool redeemed, ) = book.fulfilmentOf(reds[i].batch);
                if (reds[i].batch == epoch || !redeemed) open = true; // this epoch's, or deferred into it
            }
        }
        vm.prank(a);
        try vault.cancelRedeemRequest() {
            if (!open) ++cancelledAfterCutoff;
        } catch {
            if (open) ++unexpectedReverts;
        }
    }

    function claimDeposit(uint256 who) external {
        address a = actors[who % actors.length];
        (, uint256 assets, , ) = book.depositRequestOf(a);
        if (assets == 0) return;
        vm.prank(a);
        try vault.claimDeposit(a) {} catch {
            ++unexpectedReverts;
        }
    }

    function claimRedeem(uint256 who) external {
        address a = actors[who % actors.length];
        (, uint256 shares, ) = book.redeemRequestOf(a);
        if (shares == 0) return;
        vm.prank(a);
        try vault.claimRedeem(a) {} catch {
            ++unexpectedReverts;
        }
    }

    /// @notice The venue's own P&L, in bps of its equity: mostly small, sometimes large.
    function venuePnl(uint256 move) external {
        uint256 m = move % 4_000; // 0..1999 down, 2000..3999 up, bps
        uint256 delta = (venueEquity * (m % 2_000)) / BPS / 4;
        if (m >= 2_000) {
            venueEquity += delta;
            _pnlSinceValuation += int256(delta);
        } else {
            venueEquity -= delta;
            _pnlSinceValuation -= int256(delta);
        }
    }

    /// @notice Take a valuation now (after the cut-off), to be submitted later.
    function value() external {
        (, uint64 cutoff) = book.epochState();
        if (block.timestamp < cutoff) vm.warp(cutoff);
        (, uint64 lastNavTime) = vault.lastNav();
        if (block.timestamp < lastNavTime) return;
        _hasValuation = true;
        _valEquity = venueEquity;
        _valCredited = credited;
        _valDebited = debited;
        _valAt = uint64(block.timestamp);
        _pnlSinceValuation = 0;
    }

    /// @notice Submit the valuation taken earlier (custody may have moved since) or one taken now.
    function settle(uint256 dt) external {
        if (!_hasValuation) this.value();
        _hasValuation = false;
        uint256 age = block.timestamp - _valAt;
        if (age > MAX_NAV_AGE) return; // too old to submit; take another
        (uint64 epoch, ) = book.epochState();
        if (_valAt < _cutoffOf()) return;
        uint256 maxRequest = _maxRequestThrough(epoch);
        uint256 bookedBefore = vault.totalAssets();
        uint256 reported = _reported();
        uint64 seq = vault.navSequence();
        ReportTypes.NavReport memory r = _navReportAt(_valEquity, _valCredited, _valDebited, _valAt);
        try vault.settle(r, _cosign(Signing.hashNavReport(r))) {
            if (vault.currentEpoch() == epoch) {
                ++rejectedNavs;
                // A rejected loss trips at least ReduceOnly.
                if (reported < bookedBefore && policy.killLevel() < IRiskPolicy.KillLevel.ReduceOnly) {
                    ++unbookedLossNotTripped;
                }
            } else {
                ++settlements;
                if (maxRequest > _valAt) ++settledBeforeRequest;
                if (vault.offchainEquity() != _trueVenueSide()) ++wrongBooking;
            }
        } catch {
            ++unexpectedReverts;
        }
        if (vault.navSequence() != seq + 1) ++unexpectedReverts;
        if (policy.killLevel() >= IRiskPolicy.KillLevel.ReduceOnly && (dt >> 128) % 2 == 0) {
            // Governance lifts the brake now and then, so deposits resume.
            policy.setKillLevel(IRiskPolicy.KillLevel.Normal, "handler");
        }
        vm.warp(block.timestamp + (dt % 2 hours));
    }

    function sendToVenue(uint256 amount, bool arrives) external {
        uint256 total = vault.totalAssets();
        uint256 limit = (total * 8_000) / BPS;
        int256 offchain = vault.offchainEquity();
        if (offchain < 0 || limit <= uint256(offchain)) return;
        uint256 idle = total - uint256(offchain);
        if (idle == 0) return;
        amount = bound(amount, 1, Math.min(limit - uint256(offchain), idle));
        uint256 before = _pps();
        try vault.sendToVenue(amount, "venue") {
            if (_pps() != before) ++priceMovedByCustody;
            if (arrives) _credit();
        } catch {
            ++unexpectedReverts;
        }
    }

    /// @notice The venue credits what is in transit to it.
    function venueCredit() external {
        _credit();
    }

    /// @notice The venue pays out `amount` towards the vault (in transit until returned on-chain).
    function venueWithdraw(uint256 amount) external {
        if (venueEquity == 0) return;
        amount = bound(amount, 1, venueEquity);
        venueEquity -= amount;
        debited += amount;
    }

    /// @notice What left the venue reaches the vault.
    function returnFromVenue(uint256 amount) external {
        (, uint256 returned) = vault.custodyTotals();
        if (debited <= returned) return;
        amount = bound(amount, 1, debited - returned);
        asset.mint(address(this), amount); // the custodian holds what the venue paid out
        uint256 before = _pps();
        try vault.returnFromVenue(amount, "home") {
            if (_pps() != before) ++priceMovedByCustody;
        } catch {
            ++unexpectedReverts;
        }
    }

    function donate(uint256 amount) external {
        _donate(address(0xD0), bound(amount, 1, 100_000 * USD));
    }

    /// @notice A NAV report that must not change state.
    function settleInvalid(uint256 seed, uint8 mode) external {
        (, uint64 cutoff) = book.epochState();
        if (block.timestamp < cutoff) vm.warp(cutoff);
        (uint256 sent, ) = vault.custodyTotals();
        ReportTypes.NavReport memory r = _navReportAt(
            venueEquity,
            credited,
            debited,
            uint64(block.timestamp)
        );
        mode %= 8;
        if (mode == 1) r.deadline = uint64(block.timestamp - 1 - (seed % 1 days));
        if (mode == 2) r.sequence = vault.navSequence(); // replay
        if (mode == 3) r.configDigest = keccak256(abi.encode(r.configDigest, seed));
        if (mode == 4) r.nav.epoch = vault.currentEpoch() - 1;
        if (mode == 5) r.nav.vault = address(uint160(seed) | 1); // another vault's report
        if (mode == 6) r.nav.custodySent = sent + 1 + (seed % 1e12); // credits the vault never sent
        if (mode == 7) r.nav.timestamp = cutoff - 1 - uint64(seed % 1 days); // before the cut-off
        bytes32 structHash = Signing.hashNavReport(r);
        bytes memory sigs;
        if (mode == 0) {
            uint256[] memory one = new uint256[](1);
            one[0] = pks[seed % 3];
            sigs = Signing.cosign(one, registry.hashTypedData(structHash));
        } else {
            sigs = _cosign(structHash);
        }
        uint64 seq = vault.navSequence();
        uint64 epoch = vault.currentEpoch();
        try vault.settle(r, sigs) {
            ++invalidAccepted;
        } catch {}
        if (vault.navSequence() != seq || vault.currentEpoch() != epoch) ++invalidAccepted;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + (dt % 12 hours));
    }

    function _credit() private {
        (uint256 sent, ) = vault.custodyTotals();
        venueEquity += sent - credited;
        credited = sent;
    }

    function _cutoffOf() private view returns (uint64 cutoff) {
        (, cutoff) = book.epochState();
    }

    function _maxRequestThrough(uint64 epoch) private returns (uint256) {
        for (uint64 e = 1; e <= epoch; ++e)
            if (lastRequestAt[e] > _maxRequestAt) _maxRequestAt = lastRequestAt[e];
        return _maxRequestAt;
    }

    /// @dev Total assets the pending report implies (before fees), as the vault computes it.
    function _reported() private view returns (uint256) {
        (uint256 sent, uint256 returned) = vault.custodyTotals();
        int256 idle = int256(vault.totalAssets()) - vault.offchainEquity();
        int256 nav =
            idle + int256(_valEquity) + int256(sent - _valCredited) + int256(_valDebited) - int256(returned);
        return nav > 0 ? uint256(nav) : 0;
    }

    /// @dev What the vault owns off-chain now, from the venue model (not from the report): the venue's
    /// equity, what is in transit to it and back from it, less the venue's P&L since the valuation
    /// (which the next report will book).
    function _trueVenueSide() private view returns (int256) {
        (uint256 sent, uint256 returned) = vault.custodyTotals();
        return
            int256(venueEquity) +
            int256(sent - credited) +
            int256(debited) -
            int256(returned) -
            _pnlSinceValuation;
    }
}

contract SigilVaultInvariantTest is VaultBase {
    VaultHandler private handler;

    function setUp() public {
        _deploy();
        _setFees(200, 2_000, 1_000);
        handler = new VaultHandler(asset, registry, policy, vault, pks);
        policy.grantRole(policy.GOVERNANCE_ROLE(), address(handler));
        vault.grantRole(vault.CUSTODIAN_ROLE(), address(handler));
        targetContract(address(handler));
    }

    /// @notice The handler's paths do what the invariants rely on: a scripted run through it settles,
    /// books transit in both directions and reports beyond the bound, and breaks nothing.
    function test_handler_exercisesEveryPath() public {
        handler.requestDeposit(0, 1_000_000 * USD);
        handler.requestDeposit(1, 500_000 * USD);
        handler.settle(0);
        handler.claimDeposit(0);
        handler.claimDeposit(1);
        handler.sendToVenue(600_000 * USD, true);
        handler.sendToVenue(200_000 * USD, false); // still in transit at the valuation
        handler.value();
        handler.venueCredit();
        handler.venueWithdraw(100_000 * USD);
        handler.returnFromVenue(40_000 * USD); // 60k still in transit back
        handler.requestRedeem(0, 1e18);
        handler.settle(1);
        handler.venuePnl(1_999); // a 5% loss of venue equity
        handler.settle(2);
        for (uint256 i = 0; i < 14; ++i) handler.venuePnl(1_999); // -51% of the venue: beyond the bound
        handler.settle(4);
        assertEq(handler.unexpectedReverts(), 0, "no unexpected revert");
        assertEq(handler.wrongBooking(), 0, "true NAV booked");
        assertEq(handler.priceMovedByCustody(), 0, "custody never moved the price");
        assertGe(handler.settlements(), 3, "settled");
        assertGe(handler.rejectedNavs(), 1, "a report beyond the bound was rejected");
        assertEq(handler.unbookedLossNotTripped(), 0, "and tripped the breaker");
    }

    /// @notice The vault holds at least what it owes on-chain: pending deposits and reserved claims.
    function invariant_solvent() public view {
        (uint256 pendingDeposits, ) = book.pendingTotals();
        assertGe(
            asset.balanceOf(address(vault)),
            pendingDeposits + vault.reservedAssets(),
            "balance covers pending deposits and reserved assets"
        );
        assertEq(handler.unexpectedReverts(), 0, "well-formed calls never revert");
        assertEq(
            handler.invalidAccepted(),
            0,
            "no NAV report without quorum, fresh deadline, new sequence, own vault, known custody, after the cut-off"
        );
    }

    function invariant_totalAssetsAccounting() public view {
        (uint256 pendingDeposits, ) = book.pendingTotals();
        int256 expected =
            int256(asset.balanceOf(address(vault))) -
                int256(pendingDeposits) -
                int256(vault.reservedAssets()) +
                vault.offchainEquity();
        assertEq(
            vault.totalAssets(),
            expected > 0 ? uint256(expected) : 0,
            "totalAssets == balance - pending - reserved + offchain equity"
        );
    }

    /// @notice Items 1-3: custody never moves the price; honest reports book the true NAV whatever moved
    /// since their valuation; no epoch settles at a valuation before one of its requests; no request is
    /// cancelled after its cut-off; a loss too large to book always trips the breaker.
    function invariant_settlementIsFair() public view {
        assertEq(handler.priceMovedByCustody(), 0, "a custody move never changes the share price");
        assertEq(handler.wrongBooking(), 0, "an honest report books the true venue equity");
        assertEq(handler.settledBeforeRequest(), 0, "a request never settles at a price valued before it");
        assertEq(handler.cancelledAfterCutoff(), 0, "no cancellation after the cut-off");
        assertEq(handler.unbookedLossNotTripped(), 0, "a loss too large to book trips the breaker");
    }

    function invariant_sharesConserved() public view {
        uint256 sum =
            vault.balanceOf(address(vault)) +
                vault.balanceOf(treasury) +
                vault.balanceOf(operatorRewards) +
                vault.balanceOf(address(this));
        for (uint256 i = 0; i < handler.actorCount(); ++i) sum += vault.balanceOf(handler.actors(i));
        assertEq(sum, vault.totalSupply(), "every share is held by someone we know");
    }

    function invariant_claimsCovered() public view {
        uint256 redeemAssets;
        uint256 depositShares;
        uint256 pendingRedeemShares;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            (uint256 pending, , uint256 assets) = book.redeemRequestOf(a);
            (, , uint256 shares, ) = book.depositRequestOf(a);
            redeemAssets += assets;
            depositShares += shares;
            pendingRedeemShares += pending;
        }
        (, uint256 totalPendingRedeem) = book.pendingTotals();
        assertEq(pendingRedeemShares, totalPendingRedeem, "pending redeem total is the sum of requests");
        assertLe(redeemAssets, vault.reservedAssets(), "claimable redemptions are reserved");
        assertLe(
            depositShares + totalPendingRedeem,
            vault.balanceOf(address(vault)),
            "claimable deposit shares and escrowed redemptions are held by the vault"
        );
    }
}
