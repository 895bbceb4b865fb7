// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MockAggregator
/// @notice A Chainlink-compatible price feed whose answer the owner sets (local networks and tests).
contract MockAggregator is AggregatorV3Interface {
    error MockAggregatorNotOwner();
    error MockAggregatorBroken();

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    address public immutable owner;
    uint8 public immutable decimals;
    string public description;
    int256 private _answer;
    uint256 private _updatedAt;
    uint80 private _roundId;
    bool public broken;

    constructor(uint8 decimals_, string memory description_, int256 answer) {
        owner = msg.sender;
        decimals = decimals_;
        description = description_;
        _set(answer, block.timestamp);
    }

    /// @notice Set a new answer timestamped now.
    function setAnswer(int256 answer) external {
        if (msg.sender != owner) revert MockAggregatorNotOwner();
        _set(answer, block.timestamp);
    }

    /// @notice Set a new answer with an explicit update time (to simulate a stale feed).
    function setAnswerAt(int256 answer, uint256 updatedAt) external {
        if (msg.sender != owner) revert MockAggregatorNotOwner();
        _set(answer, updatedAt);
    }

    /// @notice Make every read revert (to simulate a broken feed).
    function setBroken(bool value) external {
        if (msg.sender != owner) revert MockAggregatorNotOwner();
        broken = value;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (broken) revert MockAggregatorBroken();
        return (roundId, _answer, _updatedAt, _updatedAt, roundId);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        if (broken) revert MockAggregatorBroken();
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }

    function _set(int256 answer, uint256 updatedAt) private {
        _answer = answer;
        _updatedAt = updatedAt;
        _roundId += 1;
        emit AnswerUpdated(answer, _roundId, updatedAt);
    }
}
