// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracleRegistry} from "../../contracts/interfaces/IOracleRegistry.sol";
import {ReportTypes} from "../../contracts/libraries/ReportTypes.sol";
import {OracleRegistry} from "../../contracts/oracle/OracleRegistry.sol";
import {Signing} from "./utils/Signing.sol";
import {Test} from "./utils/Test.sol";

/// @notice Properties: no report without a valid quorum under the current configuration verifies;
/// duplicated, unsorted and foreign signers never count; old configurations and other chains never verify.
contract OracleRegistryTest is Test {
    uint256 private constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    OracleRegistry private registry;
    uint256[] private pks; // operator keys, sorted by address
    address[] private ops; // sorted operator addresses

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new OracleRegistry(address(this));
        _install(_keys(5, 0), 3);
    }

    // ------------------------------------------------------------------ quorum

    function testFuzz_verify_succeedsIffQuorumOfOperators(
        uint256 nSeed,
        uint256 tSeed,
        uint256 subsetMask,
        uint256 keySeed,
        bytes32 payloadHash
    ) public {
        uint256 n = bound(nSeed, 3, 16);
        uint256 t = bound(tSeed, n / 2 + 1, n);
        _install(_keys(n, keySeed), uint8(t));
        subsetMask &= (uint256(1) << n) - 1;

        uint256 count;
        for (uint256 i = 0; i < n; ++i) if (subsetMask & (1 << i) != 0) ++count;
        uint256[] memory signers = new uint256[](count);
        uint256 k;
        for (uint256 i = 0; i < n; ++i) if (subsetMask & (1 << i) != 0) signers[k++] = pks[i];

        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 1, payloadHash);
        bytes memory sigs = Signing.cosign(signers, _typed(structHash));

        if (count >= t) {
            uint256 bitmap = registry.verify(structHash, digest, sigs);
            assertEq(bitmap, subsetMask, "bitmap names exactly the signers");
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IOracleRegistry.OracleRegistryTooFewSignatures.selector, count, t)
            );
            registry.verify(structHash, digest, sigs);
        }
    }

    function testFuzz_verify_foreignSignerReverts(
        uint256 nSeed,
        uint256 foreignSeed,
        uint256 keySeed,
        bytes32 payloadHash
    ) public {
        uint256 n = bound(nSeed, 3, 16);
        uint256 t = n / 2 + 1;
        _install(_keys(n, keySeed), uint8(t));
        uint256 foreign = _key(foreignSeed, 0xf0);
        vm.assume(!registry.isOperator(vm.addr(foreign)));

        // Enough operators for a quorum on their own, plus one foreign key in its sorted place.
        uint256[] memory signers = new uint256[](t + 1);
        for (uint256 i = 0; i < t; ++i) signers[i] = pks[i];
        signers[t] = foreign;
        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 7, payloadHash);
        bytes memory sigs = Signing.cosign(signers, _typed(structHash));

        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, sigs);

        // And t - 1 operators padded to the threshold by the foreign key.
        signers = new uint256[](t);
        for (uint256 i = 0; i < t - 1; ++i) signers[i] = pks[i];
        signers[t - 1] = foreign;
        sigs = Signing.cosign(signers, _typed(structHash));
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, sigs);
    }

    function testFuzz_verify_duplicateSignerReverts(
        uint256 nSeed,
        uint256 dupSeed,
        uint256 keySeed,
        bytes32 payloadHash
    ) public {
        uint256 n = bound(nSeed, 3, 16);
        uint256 t = n / 2 + 1;
        _install(_keys(n, keySeed), uint8(t));
        // t - 1 distinct operators (one short of quorum) with one of them repeated next to itself:
        // the count reaches the threshold only through the duplicate.
        uint256 dup = bound(dupSeed, 0, t - 2);
        uint256[] memory signers = new uint256[](t);
        uint256 k;
        for (uint256 i = 0; i < t - 1; ++i) {
            signers[k++] = pks[i];
            if (i == dup) signers[k++] = pks[i];
        }
        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 3, payloadHash);
        bytes memory sigs = Signing.signAll(signers, _typed(structHash));

        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, sigs);

        // A full quorum plus a duplicate also reverts: duplicates are never silently skipped.
        signers = new uint256[](t + 1);
        k = 0;
        for (uint256 i = 0; i < t; ++i) {
            signers[k++] = pks[i];
            if (i == bound(dupSeed, 0, t - 1)) signers[k++] = pks[i];
        }
        sigs = Signing.signAll(signers, _typed(structHash));
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, sigs);
    }

    function testFuzz_verify_unsortedSignersRevert(
        uint256 nSeed,
        uint256 swapSeed,
        uint256 keySeed,
        bytes32 payloadHash
    ) public {
        uint256 n = bound(nSeed, 3, 16);
        uint256 t = n / 2 + 1;
        _install(_keys(n, keySeed), uint8(t));
        uint256[] memory signers = new uint256[](t);
        for (uint256 i = 0; i < t; ++i) signers[i] = pks[i];
        uint256 a = bound(swapSeed, 0, t - 2);
        (signers[a], signers[a + 1]) = (signers[a + 1], signers[a]);

        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 4, payloadHash);
        bytes memory sigs = Signing.signAll(signers, _typed(structHash));
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, sigs);
    }

    function testFuzz_verify_malleatedSignatureReverts(uint256 which, bytes32 payloadHash) public {
        uint256[] memory signers = new uint256[](3);
        for (uint256 i = 0; i < 3; ++i) signers[i] = pks[i];
        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 5, payloadHash);
        bytes32 typed = _typed(structHash);
        uint256 idx = bound(which, 0, 2);
        bytes memory sigs;
        for (uint256 i = 0; i < 3; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(signers[i], typed);
            if (i == idx) {
                // The other valid-looking (high-s) form of the same signature.
                s = bytes32(SECP256K1_N - uint256(s));
                v = v == 27 ? 28 : 27;
            }
            sigs = bytes.concat(sigs, abi.encodePacked(r, s, v));
        }
        vm.expectRevert(abi.encodeWithSelector(IOracleRegistry.OracleRegistryInvalidSignature.selector, idx));
        registry.verify(structHash, digest, sigs);
    }

    function testFuzz_verify_malformedLengthReverts(uint256 extra, bytes32 payloadHash) public {
        uint256 cut = bound(extra, 1, 64);
        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 6, payloadHash);
        bytes memory sigs = Signing.cosign(_firstKeys(3), _typed(structHash));
        bytes memory truncated = new bytes(sigs.length - cut);
        for (uint256 i = 0; i < truncated.length; ++i) truncated[i] = sigs[i];
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRegistry.OracleRegistryMalformedSignatures.selector,
                truncated.length
            )
        );
        registry.verify(structHash, digest, truncated);
    }

    // ------------------------------------------------------------------ replay across configurations and chains

    function testFuzz_verify_oldConfigDigestFailsAfterSetConfig(
        uint256 keySeed,
        bytes32 payloadHash,
        bool sameOperators
    ) public {
        bytes32 oldDigest = registry.configDigest();
        bytes32 oldHash = _reportHash(oldDigest, 9, payloadHash);
        bytes memory sigs = Signing.cosign(_firstKeys(3), _typed(oldHash));
        registry.verify(oldHash, oldDigest, sigs); // valid before the change

        // Same operators and threshold or a fresh set: either way the version moves the digest.
        _install(sameOperators ? pks : _keys(5, keySeed), 3);
        bytes32 newDigest = registry.configDigest();
        assertTrue(newDigest != oldDigest, "digest changes with the config");

        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRegistry.OracleRegistryConfigDigestMismatch.selector,
                newDigest,
                oldDigest
            )
        );
        registry.verify(oldHash, oldDigest, sigs);

        // Relabelling the old report with the new digest changes its struct hash: the old signatures die.
        bytes32 relabelled = _reportHash(newDigest, 9, payloadHash);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(relabelled, newDigest, sigs);
    }

    function testFuzz_verify_oldConfigDigestFailsAfterRemoveOperator(uint256 which, bytes32 payload) public {
        registry.grantRole(registry.SLASHER_ROLE(), address(this));
        bytes32 oldDigest = registry.configDigest();
        bytes32 oldHash = _reportHash(oldDigest, 2, payload);
        // Signed by the three operators that stay.
        uint256 removed = bound(which, 3, 4);
        bytes memory sigs = Signing.cosign(_firstKeys(3), _typed(oldHash));
        registry.removeOperator(ops[removed]);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryConfigDigestMismatch.selector);
        registry.verify(oldHash, oldDigest, sigs);
    }

    function testFuzz_verify_otherChainSignaturesFail(uint64 otherChain, bytes32 payloadHash) public {
        vm.assume(otherChain != block.chainid && otherChain != 0);
        bytes32 digest = registry.configDigest();
        bytes32 structHash = _reportHash(digest, 11, payloadHash);

        // Signed under a domain naming another chain: recovers to strangers here.
        bytes32 foreignTyped = Signing.typedDataDigest(
            Signing.domainSeparator(otherChain, address(registry)),
            structHash
        );
        bytes memory foreignSigs = Signing.cosign(_firstKeys(3), foreignTyped);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(structHash, digest, foreignSigs);

        // Signed here, replayed on a fork with another chain id: the config digest no longer matches.
        bytes memory sigs = Signing.cosign(_firstKeys(3), _typed(structHash));
        registry.verify(structHash, digest, sigs);
        uint256 home = block.chainid;
        vm.chainId(otherChain);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryConfigDigestMismatch.selector);
        registry.verify(structHash, digest, sigs);
        // Even relabelled with that chain's digest, the home-chain signatures do not verify.
        bytes32 forkDigest = registry.configDigest();
        bytes32 forkHash = _reportHash(forkDigest, 11, payloadHash);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryUnexpectedSigner.selector);
        registry.verify(forkHash, forkDigest, sigs);
        vm.chainId(home);
    }

    function test_domainSeparator_matchesIndependentComputation() public view {
        assertEq(
            registry.domainSeparator(),
            Signing.domainSeparator(block.chainid, address(registry)),
            "EIP-712 domain"
        );
        bytes32 h = keccak256("x");
        assertEq(registry.hashTypedData(h), _typed(h), "typed data digest");
    }

    // ------------------------------------------------------------------ configuration

    function testFuzz_setConfig_rejectsNonMajorityThreshold(uint256 nSeed, uint256 tSeed) public {
        uint256 n = bound(nSeed, 1, 31);
        uint256 t = bound(tSeed, 0, 40);
        bool valid = t != 0 && t <= n && t * 2 > n;
        uint256[] memory keys = _keys(n, 77);
        address[] memory list = new address[](n);
        for (uint256 i = 0; i < n; ++i) list[i] = vm.addr(keys[i]);
        if (!valid) {
            vm.expectRevert(
                abi.encodeWithSelector(IOracleRegistry.OracleRegistryInvalidThreshold.selector, t, n)
            );
        }
        registry.setConfig(list, uint8(t));
        if (valid) assertEq(registry.threshold(), t, "threshold set");
    }

    function testFuzz_setConfig_rejectsUnsortedOrDuplicate(uint256 nSeed, uint256 at, bool duplicate) public {
        uint256 n = bound(nSeed, 2, 16);
        uint256 i = bound(at, 0, n - 2);
        uint256[] memory keys = _keys(n, 78);
        address[] memory list = new address[](n);
        for (uint256 k = 0; k < n; ++k) list[k] = vm.addr(keys[k]);
        if (duplicate) list[i + 1] = list[i];
        else (list[i], list[i + 1]) = (list[i + 1], list[i]);
        vm.expectPartialRevert(IOracleRegistry.OracleRegistryInvalidOperators.selector);
        registry.setConfig(list, uint8(n / 2 + 1));
    }

    // ------------------------------------------------------------------ helpers

    function _reportHash(
        bytes32 digest,
        uint64 sequence,
        bytes32 payloadHash
    ) private view returns (bytes32) {
        return
            ReportTypes.hashReport(
                ReportTypes.STREAM_SIGNAL,
                digest,
                sequence,
                uint64(block.timestamp + 600),
                payloadHash
            );
    }

    function _typed(bytes32 structHash) private view returns (bytes32) {
        return Signing.typedDataDigest(Signing.domainSeparator(block.chainid, address(registry)), structHash);
    }

    function _key(uint256 seed, uint256 i) private pure returns (uint256) {
        return (uint256(keccak256(abi.encode(seed, i))) % (SECP256K1_N - 1)) + 1;
    }

    /// @dev `n` keys from `seed`, sorted by address.
    function _keys(uint256 n, uint256 seed) private pure returns (uint256[] memory keys) {
        keys = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) keys[i] = _key(seed, i);
        Signing.sortByAddress(keys);
    }

    function _firstKeys(uint256 k) private view returns (uint256[] memory keys) {
        keys = new uint256[](k);
        for (uint256 i = 0; i < k; ++i) keys[i] = pks[i];
    }

    function _install(uint256[] memory keys, uint8 t) private {
        delete pks;
        delete ops;
        for (uint256 i = 0; i < keys.length; ++i) {
            pks.push(keys[i]);
            ops.push(vm.addr(keys[i]));
        }
        registry.setConfig(ops, t);
    }
}
