// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportTypes} from "../../contracts/libraries/ReportTypes.sol";
import {MockStable} from "../../contracts/mocks/MockStable.sol";
import {OperatorBonds} from "../../contracts/oracle/OperatorBonds.sol";
import {OracleRegistry} from "../../contracts/oracle/OracleRegistry.sol";
import {Signing} from "./utils/Signing.sol";
import {Test} from "./utils/Test.sol";

/// @notice Property: two different reports with the same stream and sequence signed by one bonded
/// operator always slash it and remove it from the registry; nothing else ever slashes.
contract OperatorBondsTest is Test {
    uint256 private constant N = 5;
    uint256 private constant BOND = 1_000e6;
    uint256 private constant BPS = 10_000;

    OracleRegistry private registry;
    OperatorBonds private bonds;
    MockStable private bondToken;
    MockStable private rewardToken;
    address private treasury = address(0x7EA5);
    uint256[] private pks;

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new OracleRegistry(address(this));
        bondToken = new MockStable();
        rewardToken = new MockStable();
        bonds = new OperatorBonds(
            bondToken,
            rewardToken,
            registry,
            address(this),
            OperatorBonds.Params({
                slashBps: 5_000,
                proverRewardBps: 1_000,
                unbondDelay: 7 days,
                treasury: treasury
            })
        );
        registry.grantRole(registry.SLASHER_ROLE(), address(bonds));

        uint256[] memory keys = new uint256[](N);
        for (uint256 i = 0; i < N; ++i) keys[i] = uint256(keccak256(abi.encode("bonded-operator", i)));
        Signing.sortByAddress(keys);
        address[] memory ops = new address[](N);
        for (uint256 i = 0; i < N; ++i) {
            pks.push(keys[i]);
            ops[i] = vm.addr(keys[i]);
            bondToken.mint(ops[i], BOND);
            vm.startPrank(ops[i]);
            bondToken.approve(address(bonds), BOND);
            bonds.bond(BOND);
            vm.stopPrank();
        }
        registry.setConfig(ops, 3);
    }

    function testFuzz_proveEquivocation_sameStreamAndSequenceSlashesAndRemoves(
        uint256 who,
        uint8 stream,
        uint64 sequence,
        bytes32 payloadA,
        bytes32 payloadB,
        uint64 deadlineA,
        uint64 deadlineB,
        uint256 params
    ) public {
        stream %= 3;
        OperatorBonds.ReportHeader memory a = _header(stream, sequence, deadlineA, payloadA);
        OperatorBonds.ReportHeader memory b = _header(stream, sequence, deadlineB, payloadB);
        vm.assume(_hash(a) != _hash(b));
        uint256 slashBps = bound(params, 1, BPS);
        uint256 rewardBps = bound(params >> 16, 0, BPS);
        bonds.setParams(
            OperatorBonds.Params({
                slashBps: uint16(slashBps),
                proverRewardBps: uint16(rewardBps),
                unbondDelay: 7 days,
                treasury: treasury
            })
        );
        uint256 pk = pks[bound(who, 0, N - 1)];
        address operator = vm.addr(pk);
        // Part of the bond may be unbonding: it stays slashable during the delay.
        uint256 unbond = bound(params >> 32, 0, BOND);
        if (unbond != 0) {
            vm.prank(operator);
            bonds.requestUnbond(unbond);
        }
        address prover = address(uint160(bound(params >> 64, 1, type(uint64).max)));

        bytes memory sigA = _sig(pk, a);
        bytes memory sigB = _sig(pk, b);
        vm.prank(prover);
        address slashed = bonds.proveEquivocation(a, sigA, b, sigB);

        uint256 expected = (BOND * slashBps) / BPS;
        uint256 reward = (expected * rewardBps) / BPS;
        OperatorBonds.Bond memory left = bonds.bondOf(operator);
        assertEq(slashed, operator, "the signer is slashed");
        assertEq(uint256(left.active) + left.unbonding, BOND - expected, "bond slashed by slashBps");
        assertFalse(registry.isOperator(operator), "removed from the registry");
        assertEq(registry.operators().length, N - 1, "only that operator removed");
        assertEq(bondToken.balanceOf(prover), reward, "prover reward");
        assertEq(bondToken.balanceOf(treasury), expected - reward, "rest to the treasury");
    }

    /// @notice One equivocation is one offence: replaying the same proof (either order), or proving the
    /// same slot with a third report, slashes nothing more.
    function testFuzz_proveEquivocation_sameProofSlashesOnce(
        uint256 who,
        uint8 stream,
        uint64 sequence,
        bytes32 payloadA,
        bytes32 payloadB,
        uint256 slashSeed,
        uint8 replay
    ) public {
        vm.assume(payloadA != payloadB);
        _setSlashBps(bound(slashSeed, 1, BPS - 1));
        uint256 pk = pks[bound(who, 0, N - 1)];
        OperatorBonds.ReportHeader[3] memory h = [
            _header(stream % 3, sequence, 1, payloadA),
            _header(stream % 3, sequence, 1, payloadB),
            _header(stream % 3, sequence, 2, payloadB)
        ];
        bonds.proveEquivocation(h[0], _sig(pk, h[0]), h[1], _sig(pk, h[1]));
        uint256 left = bonds.bondOf(vm.addr(pk)).active;

        _replay(pk, h, replay % 3);
        assertEq(bonds.bondOf(vm.addr(pk)).active, left, "no second slash");
    }

    /// @dev 0: the same proof; 1: swapped; 2: the first report against a third one.
    function _replay(uint256 pk, OperatorBonds.ReportHeader[3] memory h, uint256 mode) private {
        (uint256 i, uint256 j) = mode == 0
            ? (0, 1)
            : mode == 1
                ? (1, 0)
                : (0, 2);
        bytes memory sigI = _sig(pk, h[i]);
        bytes memory sigJ = _sig(pk, h[j]);
        vm.expectRevert(_alreadySlashed(vm.addr(pk), h[0].stream, h[0].sequence));
        bonds.proveEquivocation(h[i], sigI, h[j], sigJ);
    }

    function testFuzz_proveEquivocation_differentSequenceOrStreamNeverSlashes(
        uint256 who,
        uint8 streamA,
        uint8 streamB,
        uint64 seqA,
        uint64 seqB,
        bytes32 payloadA,
        bytes32 payloadB
    ) public {
        streamA %= 3;
        streamB %= 3;
        vm.assume(streamA != streamB || seqA != seqB);
        uint256 pk = pks[bound(who, 0, N - 1)];
        OperatorBonds.ReportHeader memory a = _header(streamA, seqA, 1, payloadA);
        OperatorBonds.ReportHeader memory b = _header(streamB, seqB, 1, payloadB);
        bytes memory sigA = _sig(pk, a);
        bytes memory sigB = _sig(pk, b);
        vm.expectRevert(OperatorBonds.OperatorBondsNotEquivocation.selector);
        bonds.proveEquivocation(a, sigA, b, sigB);
        _assertUntouched(vm.addr(pk));
    }

    function testFuzz_proveEquivocation_differentSignersNeverSlash(
        uint256 whoA,
        uint256 whoB,
        uint256 foreignKey,
        bool useForeign,
        uint8 stream,
        uint64 sequence,
        bytes32 payloadA,
        bytes32 payloadB
    ) public {
        stream %= 3;
        vm.assume(payloadA != payloadB);
        uint256 pkA = pks[bound(whoA, 0, N - 1)];
        uint256 pkB =
            useForeign
                ? bound(foreignKey, 1, 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140)
                : pks[bound(whoB, 0, N - 1)];
        vm.assume(vm.addr(pkA) != vm.addr(pkB));
        OperatorBonds.ReportHeader memory a = _header(stream, sequence, 1, payloadA);
        OperatorBonds.ReportHeader memory b = _header(stream, sequence, 1, payloadB);
        bytes memory sigA = _sig(pkA, a);
        bytes memory sigB = _sig(pkB, b);
        vm.expectPartialRevert(OperatorBonds.OperatorBondsSignersDiffer.selector);
        bonds.proveEquivocation(a, sigA, b, sigB);
        _assertUntouched(vm.addr(pkA));
        if (!useForeign) _assertUntouched(vm.addr(pkB));
    }

    function testFuzz_proveEquivocation_sameReportNeverSlashes(
        uint256 who,
        uint8 stream,
        uint64 sequence,
        bytes32 payload
    ) public {
        stream %= 3;
        uint256 pk = pks[bound(who, 0, N - 1)];
        OperatorBonds.ReportHeader memory a = _header(stream, sequence, 1, payload);
        bytes memory sig = _sig(pk, a);
        vm.expectRevert(OperatorBonds.OperatorBondsNotEquivocation.selector);
        bonds.proveEquivocation(a, sig, a, sig);
        _assertUntouched(vm.addr(pk));
    }

    // ------------------------------------------------------------------ helpers

    function _setSlashBps(uint256 slashBps) private {
        bonds.setParams(
            OperatorBonds.Params({
                slashBps: uint16(slashBps),
                proverRewardBps: 1_000,
                unbondDelay: 7 days,
                treasury: treasury
            })
        );
    }

    function _alreadySlashed(
        address operator,
        uint8 stream,
        uint64 sequence
    ) private pure returns (bytes memory) {
        return
            abi.encodeWithSelector(
                OperatorBonds.OperatorBondsAlreadySlashed.selector,
                operator,
                stream,
                sequence
            );
    }

    function _assertUntouched(address operator) private view {
        OperatorBonds.Bond memory bd = bonds.bondOf(operator);
        assertEq(bd.active, BOND, "bond untouched");
        assertTrue(registry.isOperator(operator), "still an operator");
        assertEq(bondToken.balanceOf(treasury), 0, "nothing slashed");
    }

    function _header(
        uint8 stream,
        uint64 sequence,
        uint64 deadline,
        bytes32 payload
    ) private view returns (OperatorBonds.ReportHeader memory) {
        return
            OperatorBonds.ReportHeader({
                stream: stream,
                configDigest: registry.configDigest(),
                sequence: sequence,
                deadline: deadline,
                payloadHash: payload
            });
    }

    function _hash(OperatorBonds.ReportHeader memory h) private pure returns (bytes32) {
        return ReportTypes.hashReport(h.stream, h.configDigest, h.sequence, h.deadline, h.payloadHash);
    }

    function _sig(uint256 pk, OperatorBonds.ReportHeader memory h) private view returns (bytes memory) {
        return Signing.signOne(pk, registry.hashTypedData(_hash(h)));
    }
}
