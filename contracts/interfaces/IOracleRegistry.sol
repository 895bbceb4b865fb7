// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOracleRegistry
/// @notice The oracle operator set and m-of-n verification of EIP-712 reports.
interface IOracleRegistry {
    /// @notice Thrown when a report names a configuration other than the current one.
    error OracleRegistryConfigDigestMismatch(bytes32 expected, bytes32 actual);
    /// @notice Thrown when the configuration has no quorum at all: every operator removed, or a consumer
    /// that the registry no longer pushes to.
    error OracleRegistryNoQuorum();
    /// @notice Thrown when fewer signatures than the threshold were supplied.
    error OracleRegistryTooFewSignatures(uint256 supplied, uint256 threshold);
    /// @notice Thrown when the signature bytes are not a whole number of 65-byte signatures.
    error OracleRegistryMalformedSignatures(uint256 length);
    /// @notice Thrown when a signature does not recover to an address.
    error OracleRegistryInvalidSignature(uint256 index);
    /// @notice Thrown when a recovered signer is not an operator, or signers are not in ascending order.
    error OracleRegistryUnexpectedSigner(uint256 index, address signer);
    /// @notice Thrown when an operator list is empty, too long, unsorted, duplicated or has the zero address.
    error OracleRegistryInvalidOperators();
    /// @notice Thrown when a threshold is not a strict majority of the operators.
    error OracleRegistryInvalidThreshold(uint256 threshold, uint256 operators);
    /// @notice Thrown when removing an address that is not a current operator.
    error OracleRegistryNotOperator(address account);

    /// @notice Thrown when more config consumers are set than the registry pushes to.
    error OracleRegistryTooManyConsumers(uint256 count);

    /// @notice Emitted when the set of config consumers changes.
    event ConsumersSet(address[] consumers);
    /// @notice Emitted when a consumer dropped from the list is sent an empty configuration.
    event ConsumerRevoked(address indexed consumer);
    /// @notice Emitted when the operator set or threshold changes; old reports die with the old digest.
    event ConfigSet(
        uint32 indexed version,
        bytes32 indexed configDigest,
        address[] operators,
        uint8 threshold
    );
    /// @notice Emitted when a slashed operator is removed.
    event OperatorRemoved(address indexed operator, uint32 indexed version);

    function configDigest() external view returns (bytes32);
    function operators() external view returns (address[] memory);
    function threshold() external view returns (uint8);
    function configVersion() external view returns (uint32);
    function isOperator(address account) external view returns (bool);
    function hashTypedData(bytes32 structHash) external view returns (bytes32);
    function verify(
        bytes32 structHash,
        bytes32 reportConfigDigest,
        bytes calldata signatures
    ) external view returns (uint256 signerBitmap);
    function removeOperator(address operator) external;
}
