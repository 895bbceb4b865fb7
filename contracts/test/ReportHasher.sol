// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReportTypes} from "../libraries/ReportTypes.sol";
import {Units} from "../libraries/Units.sol";

/// @title ReportHasher
/// @notice Test-only: exposes the ReportTypes hashing and the Units conversions as external pure functions,
/// so the golden vectors in `test/vectors` can be checked against the exact bytes the contracts produce.
/// @dev Never deployed outside tests.
contract ReportHasher {
    // ------------------------------------------------------------ type hashes

    function signalTypehash() external pure returns (bytes32) {
        return ReportTypes.SIGNAL_TYPEHASH;
    }

    function fillTypehash() external pure returns (bytes32) {
        return ReportTypes.FILL_TYPEHASH;
    }

    function executionTypehash() external pure returns (bytes32) {
        return ReportTypes.EXECUTION_TYPEHASH;
    }

    function navTypehash() external pure returns (bytes32) {
        return ReportTypes.NAV_TYPEHASH;
    }

    function signalReportTypehash() external pure returns (bytes32) {
        return ReportTypes.SIGNAL_REPORT_TYPEHASH;
    }

    function executionReportTypehash() external pure returns (bytes32) {
        return ReportTypes.EXECUTION_REPORT_TYPEHASH;
    }

    function navReportTypehash() external pure returns (bytes32) {
        return ReportTypes.NAV_REPORT_TYPEHASH;
    }

    function reportTypehash(uint8 stream) external pure returns (bytes32) {
        return ReportTypes.reportTypehash(stream);
    }

    // ------------------------------------------------------------ struct hashes

    function hashReport(
        uint8 stream,
        bytes32 configDigest,
        uint64 sequence,
        uint64 deadline,
        bytes32 payloadHash
    ) external pure returns (bytes32) {
        return ReportTypes.hashReport(stream, configDigest, sequence, deadline, payloadHash);
    }

    function hashSignal(ReportTypes.Signal calldata s) external pure returns (bytes32) {
        return ReportTypes.hashSignal(s);
    }

    function hashSignalReport(ReportTypes.SignalReport calldata r) external pure returns (bytes32) {
        return ReportTypes.hashSignalReport(r);
    }

    function hashFill(ReportTypes.Fill calldata f) external pure returns (bytes32) {
        return ReportTypes.hashFill(f);
    }

    function hashExecution(ReportTypes.Execution calldata e) external pure returns (bytes32) {
        return ReportTypes.hashExecution(e);
    }

    function hashExecutionReport(ReportTypes.ExecutionReport calldata r) external pure returns (bytes32) {
        return ReportTypes.hashExecutionReport(r);
    }

    function hashNav(ReportTypes.Nav calldata n) external pure returns (bytes32) {
        return ReportTypes.hashNav(n);
    }

    function hashNavReport(ReportTypes.NavReport calldata r) external pure returns (bytes32) {
        return ReportTypes.hashNavReport(r);
    }

    // ------------------------------------------------------------ units

    function bps() external pure returns (uint256) {
        return Units.BPS;
    }

    function priceDecimals() external pure returns (uint8) {
        return Units.PRICE_DECIMALS;
    }

    function e8() external pure returns (uint256) {
        return Units.E8;
    }

    function toE8(uint256 answer, uint8 decimals) external pure returns (uint256) {
        return Units.toE8(answer, decimals);
    }

    function notional(
        uint256 quantityE8,
        uint256 priceE8,
        uint8 tokenDecimals
    ) external pure returns (uint256) {
        return Units.notional(quantityE8, priceE8, tokenDecimals);
    }

    function bpsOf(uint256 amount, uint256 total) external pure returns (uint256) {
        return Units.bpsOf(amount, total);
    }
}
