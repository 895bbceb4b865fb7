// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {QuorumVerification} from "../libraries/QuorumVerification.sol";

/// @title IOracleConfigConsumer
/// @notice A contract that verifies reports itself with a copy of the registry's configuration. The
/// registry pushes every change in the same transaction, so a consumer never accepts a report under
/// an old configuration, and each verification saves the call into the registry.
interface IOracleConfigConsumer {
    /// @notice Thrown when anyone but the registry pushes a configuration.
    error OracleConfigConsumerNotRegistry(address caller);

    /// @notice Called by the registry whenever its configuration changes.
    function oracleConfigChanged(QuorumVerification.Config calldata config) external;
}
