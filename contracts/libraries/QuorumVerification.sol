// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {CodeStore} from "./CodeStore.sol";

/// @title QuorumVerification
/// @notice m-of-n ECDSA verification of an EIP-712 digest against an operator configuration: the one
/// implementation used by the registry and by the consumers that hold a pushed copy of its config.
/// @dev Cheapest checks first: signature count, then the config digest, then recovery. Signers must be
/// in strictly ascending address order, so one merge walk over the sorted operator list both
/// authorises each signer and rejects duplicates.
library QuorumVerification {
    /// @notice An operator configuration, packed in one slot.
    struct Config {
        address operatorsPointer; // CodeStore pointer to the sorted operator addresses, one 32-byte word each
        uint32 version;
        uint8 threshold;
        uint8 size;
    }

    uint256 internal constant SIGNATURE_LENGTH = 65;

    /// @notice The config digest: chain id, registry, version, threshold and operators.
    function digest(
        Config memory config,
        address registry,
        bytes memory packed
    ) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(block.chainid, registry, config.version, config.threshold, keccak256(packed))
            );
    }

    /// @notice Revert unless `signatures` carry a quorum of `config`'s operators over `typedDigest`.
    /// @return signerBitmap Bit i set when operator i (in sorted order) signed.
    function verify(
        Config memory config,
        address registry,
        bytes32 typedDigest,
        bytes32 reportConfigDigest,
        bytes calldata signatures
    ) internal view returns (uint256 signerBitmap) {
        if (signatures.length % SIGNATURE_LENGTH != 0) {
            revert IOracleRegistry.OracleRegistryMalformedSignatures(signatures.length);
        }
        uint256 count = signatures.length / SIGNATURE_LENGTH;
        // No operators (all removed) or a consumer the registry dropped: nothing verifies.
        if (config.threshold == 0) revert IOracleRegistry.OracleRegistryNoQuorum();
        if (count < config.threshold) {
            revert IOracleRegistry.OracleRegistryTooFewSignatures(count, config.threshold);
        }
        bytes memory packed = CodeStore.read(config.operatorsPointer);
        bytes32 expected = digest(config, registry, packed);
        if (reportConfigDigest != expected) {
            revert IOracleRegistry.OracleRegistryConfigDigestMismatch(expected, reportConfigDigest);
        }
        uint256 size = config.size;
        uint256 j; // next operator index the walk may match
        for (uint256 i = 0; i < count; ++i) {
            address signer = recover(typedDigest, signatures, i);
            if (signer == address(0)) revert IOracleRegistry.OracleRegistryInvalidSignature(i);
            // A signer below the cursor is a duplicate or out of order: the walk never goes back.
            while (j < size && operatorAt(packed, j) < signer) ++j;
            if (j == size || operatorAt(packed, j) != signer) {
                revert IOracleRegistry.OracleRegistryUnexpectedSigner(i, signer);
            }
            signerBitmap |= 1 << j;
            ++j;
        }
    }

    /// @notice ecrecover on the i-th packed (r, s, v) signature straight from calldata. Rejects high-s
    /// (malleable) signatures and v other than 27/28, as OpenZeppelin's ECDSA does; returns address(0)
    /// for any invalid signature.
    function recover(
        bytes32 typedDigest,
        bytes calldata signatures,
        uint256 i
    ) internal view returns (address signer) {
        assembly ("memory-safe") {
            let p := add(signatures.offset, mul(i, 65))
            let s := calldataload(add(p, 32))
            let v := byte(0, calldataload(add(p, 64)))
            if and(
                iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0)),
                or(eq(v, 27), eq(v, 28))
            ) {
                let m := mload(0x40)
                mstore(m, typedDigest)
                mstore(add(m, 0x20), v)
                mstore(add(m, 0x40), calldataload(p))
                mstore(add(m, 0x60), s)
                // The precompile writes nothing on failure; clear the word so that reads as address(0).
                mstore(0x00, 0)
                pop(staticcall(gas(), 0x01, m, 0x80, 0x00, 0x20))
                signer := mload(0x00)
            }
        }
    }

    /// @notice The i-th operator of a CodeStore-packed list.
    function operatorAt(bytes memory packed, uint256 i) internal pure returns (address op) {
        assembly ("memory-safe") {
            op := mload(add(add(packed, 0x20), mul(i, 32)))
        }
    }
}
