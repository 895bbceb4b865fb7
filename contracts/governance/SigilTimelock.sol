// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SigilTimelock
/// @notice The timelock that holds every governance role; the Governor is its proposer.
contract SigilTimelock is TimelockController {
    /// @param minDelay Seconds between queueing and execution.
    /// @param proposers Accounts that may queue (the Governor).
    /// @param executors Accounts that may execute (address(0) = anyone).
    /// @param admin Optional bootstrap admin, renounced once wiring is done (address(0) = none).
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
