// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ReportTypes
/// @notice EIP-712 types of the three oracle report streams (signal, execution, NAV) and their hashing.
/// @dev Every report shares one header (config digest, sequence, deadline) followed by a stream payload,
/// so an equivocation proof can rebuild any report's struct hash from its header and payload hash. The
/// TypeScript mirror is `offchain/protocol/reportTypes.ts`; golden vectors in `test/vectors` keep the two equal.
library ReportTypes {
    /// @notice Report streams; each has its own sequence numbers.
    uint8 internal constant STREAM_SIGNAL = 0;
    uint8 internal constant STREAM_EXECUTION = 1;
    uint8 internal constant STREAM_NAV = 2;

    /// @notice The decision: target weights per asset index (basis points, negative = short), packed
    /// as 16 int16 lanes (lane i = asset index i, see TargetWeights): one word of calldata and no array
    /// to hash, decode or check for duplicates.
    struct Signal {
        bytes32 runHash; // hash of the run-log record that produced the decision
        bytes32 inputsHash; // content address of the input snapshot (candles, features, parameters, seed)
        bytes32 modelHash; // version hash of the model artefact
        uint64 timestamp; // decision time, seconds
        uint8 flags; // bit 0: every signer re-computed the decision; otherwise bounds-checked only
        uint256 targets; // int16 basis points of NAV per asset index; an absent asset is a zero weight
    }

    struct SignalReport {
        bytes32 configDigest;
        uint64 sequence;
        uint64 deadline;
        Signal signal;
    }

    /// @notice One venue fill as the venue reported it.
    struct Fill {
        uint8 asset;
        int128 quantityE8; // signed base quantity, 8 decimals (+ buy, - sell)
        uint64 priceE8; // average fill price in the stable asset, 8 decimals
        uint64 feeE8; // fee paid, in the stable asset, 8 decimals
        bytes32 orderRef; // hash of the client order id
        uint64 timestamp; // fill time, seconds
    }

    struct Execution {
        uint64 signalSequence; // the accepted signal these fills execute
        Fill[] fills;
    }

    struct ExecutionReport {
        bytes32 configDigest;
        uint64 sequence;
        uint64 deadline;
        Execution execution;
    }

    /// @notice Off-chain equity at the venue, for epoch settlement. The custody counters say which of
    /// the vault's custody moves the equity figure already reflects, so moves booked on-chain after
    /// the valuation (or still in transit) are neither lost nor counted twice.
    struct Nav {
        uint64 epoch; // the vault epoch this report settles
        address vault; // the vault it settles: a report for one vault never settles another
        uint256 venueEquity; // equity held at the venue, in the vault asset's own decimals
        uint256 custodySent; // cumulative vault -> venue custody (on-chain amounts) the equity includes
        uint256 custodyReturned; // cumulative venue -> vault custody already out of the equity
        uint64 timestamp; // valuation time, seconds
        bytes32 venueSnapshotHash; // hash of the venue balances/positions snapshot behind the figure
    }

    struct NavReport {
        bytes32 configDigest;
        uint64 sequence;
        uint64 deadline;
        Nav nav;
    }

    bytes internal constant SIGNAL_TYPE =
        "Signal(bytes32 runHash,bytes32 inputsHash,bytes32 modelHash,uint64 timestamp,uint8 flags,uint256 targets)";
    bytes internal constant FILL_TYPE =
        "Fill(uint8 asset,int128 quantityE8,uint64 priceE8,uint64 feeE8,bytes32 orderRef,uint64 timestamp)";
    bytes internal constant EXECUTION_TYPE = "Execution(uint64 signalSequence,Fill[] fills)";
    bytes internal constant NAV_TYPE =
        "Nav(uint64 epoch,address vault,uint256 venueEquity,uint256 custodySent,uint256 custodyReturned,"
        "uint64 timestamp,bytes32 venueSnapshotHash)";

    bytes32 internal constant SIGNAL_TYPEHASH = keccak256(SIGNAL_TYPE);
    bytes32 internal constant FILL_TYPEHASH = keccak256(FILL_TYPE);
    bytes32 internal constant EXECUTION_TYPEHASH = keccak256(abi.encodePacked(EXECUTION_TYPE, FILL_TYPE));
    bytes32 internal constant NAV_TYPEHASH = keccak256(NAV_TYPE);

    bytes32 internal constant SIGNAL_REPORT_TYPEHASH = keccak256(
        abi.encodePacked(
            "SignalReport(bytes32 configDigest,uint64 sequence,uint64 deadline,Signal signal)",
            SIGNAL_TYPE
        )
    );
    bytes32 internal constant EXECUTION_REPORT_TYPEHASH = keccak256(
        abi.encodePacked(
            "ExecutionReport(bytes32 configDigest,uint64 sequence,uint64 deadline,Execution execution)",
            EXECUTION_TYPE,
            FILL_TYPE
        )
    );
    bytes32 internal constant NAV_REPORT_TYPEHASH = keccak256(
        abi.encodePacked("NavReport(bytes32 configDigest,uint64 sequence,uint64 deadline,Nav nav)", NAV_TYPE)
    );

    /// @notice Thrown when a stream id is not one of the three streams.
    error ReportTypesUnknownStream(uint8 stream);

    /// @notice The report-level type hash of `stream`.
    function reportTypehash(uint8 stream) internal pure returns (bytes32) {
        if (stream == STREAM_SIGNAL) return SIGNAL_REPORT_TYPEHASH;
        if (stream == STREAM_EXECUTION) return EXECUTION_REPORT_TYPEHASH;
        if (stream == STREAM_NAV) return NAV_REPORT_TYPEHASH;
        revert ReportTypesUnknownStream(stream);
    }

    /// @notice Struct hash of any report from its header and the struct hash of its payload.
    function hashReport(
        uint8 stream,
        bytes32 configDigest,
        uint64 sequence,
        uint64 deadline,
        bytes32 payloadHash
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(reportTypehash(stream), configDigest, sequence, deadline, payloadHash));
    }

    function hashSignal(Signal calldata s) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    SIGNAL_TYPEHASH,
                    s.runHash,
                    s.inputsHash,
                    s.modelHash,
                    s.timestamp,
                    s.flags,
                    s.targets
                )
            );
    }

    function hashSignalReport(SignalReport calldata r) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    SIGNAL_REPORT_TYPEHASH,
                    r.configDigest,
                    r.sequence,
                    r.deadline,
                    hashSignal(r.signal)
                )
            );
    }

    function hashFill(Fill calldata f) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(FILL_TYPEHASH, f.asset, f.quantityE8, f.priceE8, f.feeE8, f.orderRef, f.timestamp)
            );
    }

    function hashExecution(Execution calldata e) internal pure returns (bytes32) {
        uint256 n = e.fills.length;
        bytes32[] memory fillHashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            fillHashes[i] = hashFill(e.fills[i]);
        }
        return
            keccak256(
                abi.encode(EXECUTION_TYPEHASH, e.signalSequence, keccak256(abi.encodePacked(fillHashes)))
            );
    }

    function hashExecutionReport(ExecutionReport calldata r) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    EXECUTION_REPORT_TYPEHASH,
                    r.configDigest,
                    r.sequence,
                    r.deadline,
                    hashExecution(r.execution)
                )
            );
    }

    function hashNav(Nav calldata n) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    NAV_TYPEHASH,
                    n.epoch,
                    n.vault,
                    n.venueEquity,
                    n.custodySent,
                    n.custodyReturned,
                    n.timestamp,
                    n.venueSnapshotHash
                )
            );
    }

    function hashNavReport(NavReport calldata r) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(NAV_REPORT_TYPEHASH, r.configDigest, r.sequence, r.deadline, hashNav(r.nav))
            );
    }
}
