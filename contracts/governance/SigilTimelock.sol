// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title SigilTimelock
/// @notice The timelock that holds every governance role; the Governor is its proposer and a security
/// council (the guardian) may cancel a queued operation. Besides the minimum delay, which must cover
/// the longest exit path of a vault holder (epoch cut-off + settlement + custodian return), operations
/// can carry a longer delay of their own, chosen by function selector: role grants, the oracle operator
/// set, fees and their recipients, and changes to governance itself wait longer, so holders who
/// disagree have time to exit before a minority could move custody or the oracle.
/// @dev The Governor schedules with `getMinDelay()`; `schedule` and `scheduleBatch` raise the delay to
/// the largest delay any call of the operation requires, and the Governor reads the resulting ETA back.
contract SigilTimelock is TimelockController {
    mapping(bytes4 selector => uint256) private _operationDelay;

    /// @notice Emitted when the delay required for a function selector changes.
    event OperationDelaySet(bytes4 indexed selector, uint256 previousDelay, uint256 newDelay);

    /// @param minDelay Seconds between queueing and execution for any operation.
    /// @param proposers Accounts that may queue (the Governor).
    /// @param executors Accounts that may execute (address(0) = anyone).
    /// @param admin Optional bootstrap admin, renounced once wiring is done (address(0) = none).
    /// @param sensitive Function selectors that need `sensitiveDelay` instead.
    /// @param sensitiveDelay Their delay, in seconds (at least `minDelay` in effect).
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin,
        bytes4[] memory sensitive,
        uint256 sensitiveDelay
    ) TimelockController(minDelay, proposers, executors, admin) {
        for (uint256 i = 0; i < sensitive.length; ++i) {
            _operationDelay[sensitive[i]] = sensitiveDelay;
            emit OperationDelaySet(sensitive[i], 0, sensitiveDelay);
        }
    }

    /// @notice Set the delay an operation calling `selector` must wait (0 = the minimum delay). Only the
    /// timelock itself, that is a governance proposal that itself waited this selector's delay.
    /// @param selector The function selector.
    /// @param delay Seconds.
    function setOperationDelay(bytes4 selector, uint256 delay) external {
        if (msg.sender != address(this)) revert TimelockUnauthorizedCaller(msg.sender);
        emit OperationDelaySet(selector, _operationDelay[selector], delay);
        _operationDelay[selector] = delay;
    }

    /// @notice The delay an operation calling `selector` waits: its own, or the minimum delay if longer.
    function operationDelay(bytes4 selector) public view returns (uint256) {
        uint256 own = _operationDelay[selector];
        uint256 min = getMinDelay();
        return own > min ? own : min;
    }

    /// @notice The delay a batch of calls waits: the longest any of them requires.
    /// @param payloads The calls' calldata (the targets do not matter: delays are per selector).
    function requiredDelay(bytes[] calldata payloads) public view returns (uint256 delay) {
        delay = getMinDelay();
        for (uint256 i = 0; i < payloads.length; ++i) {
            uint256 d = operationDelay(_selector(payloads[i]));
            if (d > delay) delay = d;
        }
    }

    /// @inheritdoc TimelockController
    /// @dev The delay is raised to what the call requires.
    function schedule(
        address target,
        uint256 value,
        bytes calldata data,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        uint256 required = operationDelay(_selector(data));
        super.schedule(target, value, data, predecessor, salt, delay > required ? delay : required);
    }

    /// @inheritdoc TimelockController
    /// @dev The delay is raised to the longest any call of the batch requires.
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) public override {
        uint256 required = requiredDelay(payloads);
        super.scheduleBatch(
            targets,
            values,
            payloads,
            predecessor,
            salt,
            delay > required ? delay : required
        );
    }

    function _selector(bytes calldata data) private pure returns (bytes4) {
        return data.length < 4 ? bytes4(0) : bytes4(data[:4]);
    }
}
