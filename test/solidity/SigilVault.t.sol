// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRiskPolicy} from "../../contracts/interfaces/IRiskPolicy.sol";
import {ReportTypes} from "../../contracts/libraries/ReportTypes.sol";
import {MockStable} from "../../contracts/mocks/MockStable.sol";
import {OracleRegistry} from "../../contracts/oracle/OracleRegistry.sol";
import {RiskPolicy} from "../../contracts/risk/RiskPolicy.sol";
import {SigilVault} from "../../contracts/vault/SigilVault.sol";
import {Signing} from "./utils/Signing.sol";
import {Test} from "./utils/Test.sol";

/// @notice Deployment and the request / settle / claim plumbing shared by the vault tests.
abstract contract VaultBase is Test {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant VIRTUAL_SHARES = 1e6; // 10 ** decimals offset
    uint256 internal constant USD = 1e6;

    MockStable internal asset;
    OracleRegistry internal registry;
    RiskPolicy internal policy;
    SigilVault internal vault;
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
        vault = new SigilVault(asset, registry, policy, address(this), 1e15 * USD, 2 days);
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

    function _navReport(uint256 venueEquity) internal view returns (ReportTypes.NavReport memory r) {
        r.configDigest = registry.configDigest();
        r.sequence = vault.navSequence() + 1;
        r.deadline = uint64(block.timestamp + 600);
        r.nav = ReportTypes.Nav({
            epoch: vault.currentEpoch(),
            venueEquity: venueEquity,
            timestamp: uint64(block.timestamp),
            venueSnapshotHash: keccak256(abi.encode("snapshot", venueEquity))
        });
    }

    function _cosign(bytes32 structHash) internal view returns (bytes memory) {
        uint256[] memory keys = new uint256[](2);
        keys[0] = pks[0];
        keys[1] = pks[2];
        return Signing.cosign(keys, registry.hashTypedData(structHash));
    }

    function _settle(uint256 venueEquity) internal {
        ReportTypes.NavReport memory r = _navReport(venueEquity);
        vault.settle(r, _cosign(Signing.hashNavReport(r)));
    }

    /// @dev Settle at the booked venue equity: NAV unchanged.
    function _settleFlat() internal {
        _settle(vault.offchainEquity());
    }

    function _requestDeposit(address who, uint256 amount) internal {
        asset.mint(who, amount);
        vm.startPrank(who);
        asset.approve(address(vault), amount);
        vault.requestDeposit(amount, who);
        vm.stopPrank();
    }

    function _claimDeposit(address who) internal returns (uint256 shares) {
        vm.prank(who);
        shares = vault.claimDeposit(who);
    }

    function _requestRedeem(address who, uint256 shares) internal {
        vm.prank(who);
        vault.requestRedeem(shares, who, who);
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
}

/// @notice Rounding favours the vault, the inflation attack does not pay, fees stay within their rates.
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
        if (sent != 0) {
            vm.prank(custodian);
            vault.sendToVenue(sent, "venue");
        }
        _setFees(bound(feeSeed, 0, 500), bound(feeSeed >> 16, 0, 3_000), bound(feeSeed >> 32, 0, BPS));

        _requestDeposit(alice, amount);
        vm.warp(block.timestamp + bound(feeSeed >> 48, 0, 1 days));
        _settleFlat();
        uint256 shares = _claimDeposit(alice);
        if (shares == 0) return; // a dust deposit buys nothing: the vault keeps it
        _requestRedeem(alice, shares);
        vm.warp(block.timestamp + bound(feeSeed >> 64, 0, 1 days));
        // Enough idle for the redemption: bring the venue funds home first if needed.
        uint256 away = vault.offchainEquity();
        if (away != 0) {
            asset.mint(custodian, away);
            vm.prank(custodian);
            vault.returnFromVenue(away, "home");
        }
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
        uint256 toVenue = (vault.totalAssets() * 8_000) / BPS;
        vm.prank(custodian);
        vault.sendToVenue(toVenue, "venue");

        // The high-water mark as this test sees it: the best post-settlement price so far (1e18 scale).
        uint256 hwm = Math.mulDiv(vault.totalAssets() + 1, 1e18, vault.totalSupply() + VIRTUAL_SHARES);
        rounds = bound(rounds, 1, 4);
        for (uint256 i = 0; i < rounds; ++i) {
            uint256 elapsed = bound(uint256(keccak256(abi.encode(dt, i))), 0, 400 days);
            vm.warp(block.timestamp + elapsed);
            // Venue equity moves by -20%..+25% of the booked total (within the 25% report bound).
            uint256 booked = vault.totalAssets();
            uint256 offchain = vault.offchainEquity();
            uint256 m = bound(uint256(keccak256(abi.encode(moveBps, i))), 0, 4_500);
            uint256 venue =
                m >= 2_000
                    ? offchain + (booked * (m - 2_000)) / BPS
                    : offchain - Math.min(offchain, (booked * m) / BPS);
            _checkFeeSettlement(venue, elapsed, mgmtBps, perfBps, hwm);
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

    function _checkFeeSettlement(
        uint256 venue,
        uint256 elapsed,
        uint256 mgmtBps,
        uint256 perfBps,
        uint256 hwm
    ) private {
        uint256 assetsBefore = vault.totalAssets() - vault.offchainEquity() + venue;
        uint256 supply = vault.totalSupply();
        uint256 feeSharesBefore = vault.balanceOf(treasury) + vault.balanceOf(operatorRewards);

        _settle(venue);

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

    function testFuzz_setFees_aboveCapReverts(uint16 mgmt, uint16 perf) public {
        vm.assume(mgmt > vault.MAX_MANAGEMENT_FEE_BPS() || perf > vault.MAX_PERFORMANCE_FEE_BPS());
        vm.expectRevert();
        _setFees(mgmt, perf, 0);
    }

    function testFuzz_settle_pastDeadlineReverts(uint256 lifetime, uint256 lateBy) public {
        ReportTypes.NavReport memory r = _navReport(0);
        r.deadline = uint64(block.timestamp + bound(lifetime, 0, 30 days));
        bytes memory sigs = _cosign(Signing.hashNavReport(r));
        vm.warp(uint256(r.deadline) + bound(lateBy, 1, 365 days));
        vm.expectRevert(abi.encodeWithSelector(SigilVault.SigilVaultReportExpired.selector, r.deadline));
        vault.settle(r, sigs);
    }

    function test_settle_replayReverts() public {
        ReportTypes.NavReport memory r = _navReport(0);
        bytes memory sigs = _cosign(Signing.hashNavReport(r));
        vault.settle(r, sigs);
        vm.expectRevert(abi.encodeWithSelector(SigilVault.SigilVaultStaleSequence.selector, 1, 1));
        vault.settle(r, sigs);
    }
}

/// @notice Random requests, cancels, claims, settlements, custody moves, donations and time among a few
/// actors, with the vault's books checked after every call.
contract VaultHandler is VaultBase {
    address[] public actors;
    uint256 public unexpectedReverts;
    uint256 public invalidAccepted; // a NAV report without quorum, stale, replayed or of an old config went through
    uint256 public settlements;
    uint256 public rejectedNavs;

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
        for (uint256 i = 0; i < pks_.length; ++i) pks.push(pks_[i]);
        actors.push(address(0xA1));
        actors.push(address(0xA2));
        actors.push(address(0xA3));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function requestDeposit(uint256 who, uint256 amount) external {
        address a = actors[who % actors.length];
        amount = bound(amount, 1, 5_000_000 * USD);
        (uint256 cap, , bool paused) = vault.parameters();
        if (
            paused ||
            policy.killLevel() == IRiskPolicy.KillLevel.Flatten ||
            !vault.isNavFresh() ||
            vault.totalAssets() + _pendingDeposits() + amount > cap
        ) return;
        asset.mint(a, amount);
        vm.prank(a);
        asset.approve(address(vault), amount);
        vm.prank(a);
        try vault.requestDeposit(amount, a) {} catch {
            ++unexpectedReverts;
        }
    }

    function requestRedeem(uint256 who, uint256 shares) external {
        address a = actors[who % actors.length];
        uint256 balance = vault.balanceOf(a);
        if (balance == 0 || !vault.isNavFresh()) return;
        shares = bound(shares, 1, balance);
        vm.prank(a);
        try vault.requestRedeem(shares, a, a) {} catch {
            ++unexpectedReverts;
        }
    }

    function cancelDeposit(uint256 who) external {
        address a = actors[who % actors.length];
        if (vault.pendingDepositRequest(a) == 0) return;
        vm.prank(a);
        try vault.cancelDepositRequest() {} catch {
            ++unexpectedReverts;
        }
    }

    function cancelRedeem(uint256 who) external {
        address a = actors[who % actors.length];
        if (vault.pendingRedeemRequest(a) == 0) return;
        vm.prank(a);
        try vault.cancelRedeemRequest() {} catch {
            ++unexpectedReverts;
        }
    }

    function claimDeposit(uint256 who) external {
        address a = actors[who % actors.length];
        (uint256 assets, ) = vault.claimableDepositRequest(a);
        if (assets == 0) return;
        vm.prank(a);
        try vault.claimDeposit(a) {} catch {
            ++unexpectedReverts;
        }
    }

    function claimRedeem(uint256 who) external {
        address a = actors[who % actors.length];
        (uint256 shares, ) = vault.claimableRedeemRequest(a);
        if (shares == 0) return;
        vm.prank(a);
        try vault.claimRedeem(a) {} catch {
            ++unexpectedReverts;
        }
    }

    /// @param move Venue equity change in bps of the booked total: within the report bound mostly,
    /// beyond it sometimes (the report is then recorded as rejected).
    function settle(uint256 move, uint256 dt) external {
        vm.warp(block.timestamp + (dt % 1 days));
        uint256 booked = vault.totalAssets();
        uint256 offchain = vault.offchainEquity();
        uint256 m = move % 6_000; // 0..2999 down, 3000..5999 up, in bps
        uint256 venue =
            m >= 3_000
                ? offchain + (booked * (m - 3_000)) / BPS
                : offchain - Math.min(offchain, (booked * m) / BPS);
        ReportTypes.NavReport memory r = _navReport(venue);
        uint64 seq = vault.navSequence();
        try vault.settle(r, _cosign(Signing.hashNavReport(r))) {
            if (vault.currentEpoch() == r.nav.epoch) ++rejectedNavs;
            else ++settlements;
        } catch {
            ++unexpectedReverts;
        }
        if (vault.navSequence() != seq + 1) ++unexpectedReverts;
        if (policy.killLevel() == IRiskPolicy.KillLevel.Flatten && (dt >> 128) % 2 == 0) {
            // Governance lifts the brake now and then, so deposits resume.
            policy.setKillLevel(IRiskPolicy.KillLevel.Normal, "handler");
        }
    }

    function sendToVenue(uint256 amount) external {
        uint256 total = vault.totalAssets();
        uint256 limit = (total * 8_000) / BPS;
        uint256 offchain = vault.offchainEquity();
        uint256 idle = total - offchain;
        if (limit <= offchain || idle == 0) return;
        amount = bound(amount, 1, Math.min(limit - offchain, idle));
        vm.prank(custodian);
        try vault.sendToVenue(amount, "venue") {} catch {
            ++unexpectedReverts;
        }
    }

    function returnFromVenue(uint256 amount) external {
        uint256 offchain = vault.offchainEquity();
        amount = bound(amount, 1, offchain + 1_000 * USD);
        asset.mint(custodian, amount); // the venue's P&L is real money
        vm.prank(custodian);
        try vault.returnFromVenue(amount, "home") {} catch {
            ++unexpectedReverts;
        }
    }

    function donate(uint256 amount) external {
        _donate(address(0xD0), bound(amount, 1, 100_000 * USD));
    }

    /// @notice A NAV report that must not change state.
    function settleInvalid(uint256 seed, uint8 mode) external {
        ReportTypes.NavReport memory r = _navReport(vault.offchainEquity());
        mode %= 5;
        if (mode == 1) r.deadline = uint64(block.timestamp - 1 - (seed % 1 days));
        if (mode == 2) r.sequence = vault.navSequence(); // replay
        if (mode == 3) r.configDigest = keccak256(abi.encode(r.configDigest, seed));
        if (mode == 4) r.nav.epoch = vault.currentEpoch() - 1;
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

    function _pendingDeposits() private view returns (uint256 d) {
        (d, ) = vault.pendingTotals();
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
        custodian = address(handler);
        targetContract(address(handler));
    }

    /// @notice The vault holds at least what it owes on-chain: pending deposits and reserved redemptions.
    function invariant_solvent() public view {
        (uint256 pendingDeposits, ) = vault.pendingTotals();
        assertGe(
            asset.balanceOf(address(vault)),
            pendingDeposits + vault.reservedAssets(),
            "balance covers pending deposits and reserved assets"
        );
        assertEq(handler.unexpectedReverts(), 0, "well-formed calls never revert");
        assertEq(
            handler.invalidAccepted(),
            0,
            "no NAV report without quorum, fresh deadline and new sequence"
        );
    }

    function invariant_totalAssetsAccounting() public view {
        (uint256 pendingDeposits, ) = vault.pendingTotals();
        assertEq(
            vault.totalAssets(),
            asset.balanceOf(address(vault)) -
                pendingDeposits -
                vault.reservedAssets() +
                vault.offchainEquity(),
            "totalAssets == balance - pending - reserved + offchain equity"
        );
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
            (, uint256 assets) = vault.claimableRedeemRequest(a);
            (, uint256 shares) = vault.claimableDepositRequest(a);
            redeemAssets += assets;
            depositShares += shares;
            pendingRedeemShares += vault.pendingRedeemRequest(a);
        }
        (, uint256 totalPendingRedeem) = vault.pendingTotals();
        assertEq(pendingRedeemShares, totalPendingRedeem, "pending redeem total is the sum of requests");
        assertLe(redeemAssets, vault.reservedAssets(), "claimable redemptions are reserved");
        assertLe(
            depositShares + totalPendingRedeem,
            vault.balanceOf(address(vault)),
            "claimable deposit shares and escrowed redemptions are held by the vault"
        );
    }
}
