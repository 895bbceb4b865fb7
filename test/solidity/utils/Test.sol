// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Vm, VM} from "./Vm.sol";

/// @title Test
/// @notice A minimal base for Solidity tests: assertions that revert with a custom error, `bound`,
/// and the Foundry invariant-target selection hooks (`targetContracts`, `targetSelectors`, `excludeSenders`).
abstract contract Test {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @notice Thrown when an assertion fails; `a` and `b` are the compared values where they apply.
    error AssertionFailed(string message, uint256 a, uint256 b);
    /// @notice Thrown when a bytes32 equality assertion fails.
    error AssertionFailedBytes32(string message, bytes32 a, bytes32 b);
    /// @notice Thrown when an address equality assertion fails.
    error AssertionFailedAddress(string message, address a, address b);
    /// @notice Thrown when a signed equality assertion fails.
    error AssertionFailedInt(string message, int256 a, int256 b);

    Vm internal constant vm = VM;

    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;
    address[] private _excludeSenders;

    // ------------------------------------------------------------------ invariant target selection

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function excludeSenders() public view returns (address[] memory) {
        return _excludeSenders;
    }

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function excludeSender(address sender) internal {
        _excludeSenders.push(sender);
    }

    // ------------------------------------------------------------------ assertions

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertionFailed(message, 0, 1);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert AssertionFailed(message, 1, 0);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) revert AssertionFailed(message, a, b);
    }

    function assertEq(int256 a, int256 b, string memory message) internal pure {
        if (a != b) revert AssertionFailedInt(message, a, b);
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) revert AssertionFailedBytes32(message, a, b);
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) revert AssertionFailedAddress(message, a, b);
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) revert AssertionFailed(message, a, b);
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) revert AssertionFailed(message, a, b);
    }

    function assertLt(uint256 a, uint256 b, string memory message) internal pure {
        if (a >= b) revert AssertionFailed(message, a, b);
    }

    function assertGt(uint256 a, uint256 b, string memory message) internal pure {
        if (a <= b) revert AssertionFailed(message, a, b);
    }

    // ------------------------------------------------------------------ helpers

    /// @notice Map `x` into [min, max] uniformly enough for fuzzing (keeps small values small).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert AssertionFailed("bound: min > max", min, max);
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        if (size == 0) return x; // full range
        return min + (x % size);
    }
}
