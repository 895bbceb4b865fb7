/**
 * The slice of the contracts' ABIs the API reads: events and views only, in human-readable form so
 * the API does not depend on build artefacts. Struct layouts mirror `contracts/libraries/ReportTypes.sol`;
 * test/offchain/api checks their topic hashes against the compiled contracts and decodes real logs.
 */
const SIGNAL =
  "tuple(bytes32 runHash, bytes32 inputsHash, bytes32 modelHash, uint64 timestamp, uint8 flags, uint256 targets)";
const FILL =
  "tuple(uint8 asset, int128 quantityE8, uint64 priceE8, uint64 feeE8, bytes32 orderRef, uint64 timestamp)";

export const TRADE_LEDGER_ABI = [
  `event SignalAccepted(uint64 indexed sequence, bytes32 indexed reportHash, ${SIGNAL} signal, bytes32 head)`,
  `event SignalRejected(uint64 indexed sequence, bytes32 indexed reportHash, uint8 reason, ${SIGNAL} signal, bytes32 head)`,
  `event TradeRecorded(uint64 indexed executionSequence, uint64 indexed signalSequence, uint8 indexed asset, bytes32 fillHash, ${FILL} record, int256 positionE8, uint16 violations, bytes32 head)`,
  "function head() view returns (bytes32)",
  "function sequences() view returns (uint64 signal, uint64 execution, uint64 lastAccepted)",
  "function currentTargets() view returns (uint256)",
  "function position(uint8 asset) view returns (int256)",
] as const;

export const SIGIL_VAULT_ABI = [
  "event EpochSettled(uint64 indexed epoch, uint64 indexed navSequence, bytes32 reportHash, uint256 totalAssets, uint256 totalSupply, uint256 pricePerShare, uint256 depositAssets, uint256 depositShares, uint256 redeemShares, uint256 redeemAssets)",
  "function totalAssets() view returns (uint256)",
  "function totalSupply() view returns (uint256)",
  "function sharePrice() view returns (uint256 pps, uint256 highWaterMark)",
  "function offchainEquity() view returns (int256)",
  "function currentEpoch() view returns (uint64)",
  "function lastNav() view returns (uint128, uint64)",
] as const;

export const RISK_POLICY_ABI = ["function killLevel() view returns (uint8)"] as const;
