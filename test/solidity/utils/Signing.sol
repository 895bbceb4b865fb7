// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportTypes} from "../../../contracts/libraries/ReportTypes.sol";
import {VM} from "./Vm.sol";

/// @title Signing
/// @notice Test-side EIP-712 hashing of Sigil reports from memory (an independent mirror of ReportTypes,
/// which hashes calldata) and m-of-n co-signing with signatures packed in ascending signer order.
library Signing {
    bytes32 internal constant EIP712_DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @notice The registry's EIP-712 domain separator for `chainId`.
    function domainSeparator(uint256 chainId, address registry) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    EIP712_DOMAIN_TYPEHASH,
                    keccak256("Sigil Oracle"),
                    keccak256("1"),
                    chainId,
                    registry
                )
            );
    }

    function typedDataDigest(bytes32 separator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", separator, structHash));
    }

    /// @notice Sort private keys by their address (ascending), in place.
    function sortByAddress(uint256[] memory pks) internal pure {
        for (uint256 i = 1; i < pks.length; ++i) {
            uint256 key = pks[i];
            address a = VM.addr(key);
            uint256 j = i;
            while (j > 0 && VM.addr(pks[j - 1]) > a) {
                pks[j] = pks[j - 1];
                --j;
            }
            pks[j] = key;
        }
    }

    /// @notice Signatures of `pks` over `digest`, concatenated in the order given (65 bytes each, r||s||v).
    function signAll(uint256[] memory pks, bytes32 digest) internal pure returns (bytes memory sigs) {
        for (uint256 i = 0; i < pks.length; ++i) {
            sigs = bytes.concat(sigs, signOne(pks[i], digest));
        }
    }

    /// @notice One 65-byte signature (r||s||v).
    function signOne(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @notice Co-sign `digest` with `pks` in ascending signer order (sorts a copy).
    function cosign(uint256[] memory pks, bytes32 digest) internal pure returns (bytes memory) {
        uint256[] memory sorted = new uint256[](pks.length);
        for (uint256 i = 0; i < pks.length; ++i) sorted[i] = pks[i];
        sortByAddress(sorted);
        return signAll(sorted, digest);
    }

    // ------------------------------------------------------------------ report hashing (memory)

    function hashSignal(ReportTypes.Signal memory s) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ReportTypes.SIGNAL_TYPEHASH,
                    s.runHash,
                    s.inputsHash,
                    s.modelHash,
                    s.timestamp,
                    s.flags,
                    s.targets
                )
            );
    }

    /// @notice Pack (asset, weight) pairs into int16 lanes, independently of TargetWeights.
    function pack(uint8[] memory assets, int16[] memory weightsBps) internal pure returns (uint256 packed) {
        for (uint256 i = 0; i < assets.length; ++i) {
            packed |= uint256(uint16(weightsBps[i])) << (uint256(assets[i]) * 16);
        }
    }

    function hashSignalReport(ReportTypes.SignalReport memory r) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ReportTypes.SIGNAL_REPORT_TYPEHASH,
                    r.configDigest,
                    r.sequence,
                    r.deadline,
                    hashSignal(r.signal)
                )
            );
    }

    function hashFill(ReportTypes.Fill memory f) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ReportTypes.FILL_TYPEHASH,
                    f.asset,
                    f.quantityE8,
                    f.priceE8,
                    f.feeE8,
                    f.orderRef,
                    f.timestamp
                )
            );
    }

    function hashExecutionReport(ReportTypes.ExecutionReport memory r) internal pure returns (bytes32) {
        bytes memory fillHashes;
        for (uint256 i = 0; i < r.execution.fills.length; ++i) {
            fillHashes = bytes.concat(fillHashes, hashFill(r.execution.fills[i]));
        }
        bytes32 executionHash = keccak256(
            abi.encode(ReportTypes.EXECUTION_TYPEHASH, r.execution.signalSequence, keccak256(fillHashes))
        );
        return
            keccak256(
                abi.encode(
                    ReportTypes.EXECUTION_REPORT_TYPEHASH,
                    r.configDigest,
                    r.sequence,
                    r.deadline,
                    executionHash
                )
            );
    }

    function hashNavReport(ReportTypes.NavReport memory r) internal pure returns (bytes32) {
        bytes32 navHash = keccak256(
            abi.encode(
                ReportTypes.NAV_TYPEHASH,
                r.nav.epoch,
                r.nav.vault,
                r.nav.venueEquity,
                r.nav.custodySent,
                r.nav.custodyReturned,
                r.nav.timestamp,
                r.nav.venueSnapshotHash
            )
        );
        return
            keccak256(
                abi.encode(ReportTypes.NAV_REPORT_TYPEHASH, r.configDigest, r.sequence, r.deadline, navHash)
            );
    }
}
