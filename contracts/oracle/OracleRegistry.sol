// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {IOracleConfigConsumer} from "../interfaces/IOracleConfigConsumer.sol";
import {CodeStore} from "../libraries/CodeStore.sol";
import {QuorumVerification} from "../libraries/QuorumVerification.sol";

/// @title OracleRegistry
/// @notice Holds the oracle operator set and threshold, and verifies m-of-n EIP-712 report signatures.
/// @dev The config digest hashes chain id, this contract, config version, threshold and operators, so a
/// report signed under an old configuration or for another chain or deployment never verifies. Operators
/// are stored sorted as contract code (one cold access for the whole set) and signatures must come in
/// ascending signer order: a single merge walk both authorises signers and rejects duplicates.
contract OracleRegistry is IOracleRegistry, AccessControl, EIP712 {
    /// @notice May change the operator set and threshold (the governance timelock).
    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    /// @notice May remove an operator proven to have equivocated (the bond contract).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    uint256 public constant MAX_OPERATORS = 31;

    /// @notice Most consumers the registry pushes its configuration to (bounded loop).
    uint256 public constant MAX_CONSUMERS = 4;

    QuorumVerification.Config private _config;
    address[] private _consumers;

    /// @param admin Receives the admin and governance roles (the timelock, or the deployer until wired).
    constructor(address admin) EIP712("Sigil Oracle", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
    }

    /// @notice Replace the operator set and threshold.
    /// @param newOperators Operator addresses in strictly ascending order, at most 31.
    /// @param newThreshold Signatures required; must be a strict majority so two quorums always overlap.
    function setConfig(
        address[] calldata newOperators,
        uint8 newThreshold
    ) external onlyRole(GOVERNANCE_ROLE) {
        uint256 n = newOperators.length;
        if (n == 0 || n > MAX_OPERATORS) revert OracleRegistryInvalidOperators();
        address previous;
        for (uint256 i = 0; i < n; ++i) {
            if (newOperators[i] <= previous) revert OracleRegistryInvalidOperators();
            previous = newOperators[i];
        }
        _setConfig(abi.encodePacked(newOperators), newOperators, newThreshold);
    }

    /// @notice Remove an operator (after a proven equivocation). The threshold stays unless it would
    /// exceed the remaining operators; an empty set halts all report streams.
    /// @param operator The operator to remove.
    function removeOperator(address operator) external onlyRole(SLASHER_ROLE) {
        address[] memory current = operators();
        uint256 n = current.length;
        address[] memory remaining = new address[](n == 0 ? 0 : n - 1);
        uint256 j;
        bool found;
        for (uint256 i = 0; i < n; ++i) {
            if (current[i] == operator) {
                found = true;
            } else if (j < remaining.length) {
                remaining[j++] = current[i];
            }
        }
        if (!found) revert OracleRegistryNotOperator(operator);
        uint8 t = _config.threshold;
        if (t > remaining.length) t = uint8(remaining.length);
        if (remaining.length == 0) {
            // Keep an empty set: nothing can verify until governance installs a new one.
            _config = QuorumVerification.Config({
                operatorsPointer: CodeStore.write(""),
                version: _config.version + 1,
                threshold: 0,
                size: 0
            });
            emit ConfigSet(_config.version, configDigest(), remaining, 0);
            _pushConfig();
        } else {
            _setConfig(abi.encodePacked(remaining), remaining, t);
        }
        emit OperatorRemoved(operator, _config.version);
    }

    /// @notice Set the contracts that verify reports with a pushed copy of the configuration (the
    /// trade ledger). Each receives the current configuration at once and every change after; a
    /// consumer dropped from the list receives an empty configuration (threshold 0), so it can never
    /// again accept a report under the operator set it last knew.
    /// @param newConsumers At most MAX_CONSUMERS contracts implementing IOracleConfigConsumer.
    function setConsumers(address[] calldata newConsumers) external onlyRole(GOVERNANCE_ROLE) {
        if (newConsumers.length > MAX_CONSUMERS) revert OracleRegistryTooManyConsumers(newConsumers.length);
        address[] memory previous = _consumers;
        _consumers = newConsumers;
        emit ConsumersSet(newConsumers);
        QuorumVerification.Config memory revoked = QuorumVerification.Config({
            operatorsPointer: address(0),
            version: _config.version,
            threshold: 0,
            size: 0
        });
        for (uint256 i = 0; i < previous.length; ++i) {
            bool kept;
            for (uint256 j = 0; j < newConsumers.length; ++j) kept = kept || newConsumers[j] == previous[i];
            if (!kept) {
                IOracleConfigConsumer(previous[i]).oracleConfigChanged(revoked);
                emit ConsumerRevoked(previous[i]);
            }
        }
        _pushConfig();
    }

    /// @notice The contracts the configuration is pushed to.
    function consumers() external view returns (address[] memory) {
        return _consumers;
    }

    /// @notice Verify that `signatures` carry a quorum of current operators over the report `structHash`.
    /// @param structHash EIP-712 struct hash of the report.
    /// @param reportConfigDigest The config digest the report claims; must be the current one.
    /// @param signatures Concatenated 65-byte (r, s, v) signatures in ascending signer-address order.
    /// @return signerBitmap Bit i set when operator i (in sorted order) signed.
    function verify(
        bytes32 structHash,
        bytes32 reportConfigDigest,
        bytes calldata signatures
    ) external view returns (uint256 signerBitmap) {
        return
            QuorumVerification.verify(
                _config,
                address(this),
                _hashTypedDataV4(structHash),
                reportConfigDigest,
                signatures
            );
    }

    /// @notice The digest that every report must carry to be valid under the current configuration.
    function configDigest() public view returns (bytes32) {
        QuorumVerification.Config memory config = _config;
        return QuorumVerification.digest(config, address(this), CodeStore.read(config.operatorsPointer));
    }

    /// @notice The current operators, sorted ascending.
    function operators() public view returns (address[] memory list) {
        QuorumVerification.Config memory config = _config;
        if (config.operatorsPointer == address(0)) return list;
        bytes memory packed = CodeStore.read(config.operatorsPointer);
        list = new address[](config.size);
        for (uint256 i = 0; i < config.size; ++i) list[i] = QuorumVerification.operatorAt(packed, i);
    }

    /// @notice Signatures needed for a report to verify.
    function threshold() external view returns (uint8) {
        return _config.threshold;
    }

    /// @notice Incremented at every configuration change.
    function configVersion() external view returns (uint32) {
        return _config.version;
    }

    /// @notice Whether `account` is a current operator.
    function isOperator(address account) external view returns (bool) {
        address[] memory list = operators();
        for (uint256 i = 0; i < list.length; ++i) {
            if (list[i] == account) return true;
        }
        return false;
    }

    /// @notice The EIP-712 digest that operators sign for a report with struct hash `structHash`.
    function hashTypedData(bytes32 structHash) external view returns (bytes32) {
        return _hashTypedDataV4(structHash);
    }

    /// @notice The EIP-712 domain separator (name "Sigil Oracle", version "1", chain id, this contract).
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _pushConfig() private {
        QuorumVerification.Config memory config = _config;
        uint256 n = _consumers.length;
        for (uint256 i = 0; i < n; ++i) IOracleConfigConsumer(_consumers[i]).oracleConfigChanged(config);
    }

    function _setConfig(bytes memory packed, address[] memory list, uint8 newThreshold) private {
        uint256 n = list.length;
        // A strict majority: two conflicting reports can never both gather a quorum from honest overlap.
        if (newThreshold == 0 || newThreshold > n || uint256(newThreshold) * 2 <= n) {
            revert OracleRegistryInvalidThreshold(newThreshold, n);
        }
        uint32 version = _config.version + 1;
        _config = QuorumVerification.Config({
            operatorsPointer: CodeStore.write(packed),
            version: version,
            threshold: newThreshold,
            size: uint8(n)
        });
        emit ConfigSet(
            version,
            QuorumVerification.digest(_config, address(this), packed),
            list,
            newThreshold
        );
        _pushConfig();
    }
}
