// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {ReportTypes} from "../libraries/ReportTypes.sol";
import {Units} from "../libraries/Units.sol";

/// @title OperatorBonds
/// @notice Oracle operators bond collateral here and receive their share of vault fees. Anyone holding
/// two valid signatures by one operator over reports with the same stream, sequence and config digest but
/// different payloads may prove the equivocation: the bond is slashed (part to the prover, the rest to the treasury)
/// and the operator is removed from the registry.
/// @dev Unbonding waits `unbondDelay`, so a bond stays slashable for that long after the last report.
contract OperatorBonds is AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");

    /// @notice A report's header and payload struct hash: enough to rebuild its EIP-712 digest.
    struct ReportHeader {
        uint8 stream;
        bytes32 configDigest;
        uint64 sequence;
        uint64 deadline;
        bytes32 payloadHash;
    }

    struct Bond {
        uint128 active;
        uint128 unbonding;
        uint64 unlockAt;
    }

    struct Params {
        uint16 slashBps; // share of the bond slashed
        uint16 proverRewardBps; // share of the slashed amount paid to the prover
        uint32 unbondDelay; // seconds
        address treasury;
    }

    error OperatorBondsZeroAmount();
    error OperatorBondsInsufficientBond(uint256 requested, uint256 available);
    error OperatorBondsStillLocked(uint64 unlockAt);
    error OperatorBondsNotEquivocation();
    error OperatorBondsInvalidSignature();
    error OperatorBondsSignersDiffer(address a, address b);
    error OperatorBondsNothingToSlash(address operator);
    error OperatorBondsInvalidParams();
    error OperatorBondsNothingToClaim(address operator);
    error OperatorBondsAlreadySlashed(address operator, uint8 stream, uint64 sequence);

    event Bonded(address indexed operator, uint256 amount, uint256 active);
    event UnbondRequested(address indexed operator, uint256 amount, uint64 unlockAt);
    event Withdrawn(address indexed operator, uint256 amount);
    event Slashed(
        address indexed operator,
        address indexed prover,
        uint8 stream,
        uint64 sequence,
        bytes32 reportHashA,
        bytes32 reportHashB,
        uint256 slashed,
        uint256 proverReward
    );
    event ParamsSet(Params params);
    event RewardsDistributed(uint256 amount, uint256 operators);
    event RewardsClaimed(address indexed operator, uint256 amount);

    IERC20 public immutable bondToken;
    IERC20 public immutable rewardToken;
    IOracleRegistry public immutable registry;

    Params private _params;
    mapping(address operator => Bond) private _bonds;
    mapping(address operator => uint256) private _rewards;
    uint256 private _undistributed; // reward tokens already credited to operators
    /// @dev keccak256(operator, stream, sequence) of every equivocation already punished: one offence, one slash.
    mapping(bytes32 offence => bool) private _slashedOffences;

    /// @param bondToken_ Collateral token.
    /// @param rewardToken_ Token the vault pays operator fees in (vault shares).
    /// @param registry_ The oracle registry; this contract needs its SLASHER_ROLE.
    /// @param admin Receives admin and governance roles.
    /// @param initialParams Slashing and unbonding parameters.
    constructor(
        IERC20 bondToken_,
        IERC20 rewardToken_,
        IOracleRegistry registry_,
        address admin,
        Params memory initialParams
    ) {
        bondToken = bondToken_;
        rewardToken = rewardToken_;
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _setParams(initialParams);
    }

    /// @notice Add `amount` to the caller's bond.
    function bond(uint256 amount) external nonReentrant {
        if (amount == 0) revert OperatorBondsZeroAmount();
        Bond storage b = _bonds[msg.sender];
        b.active += amount.toUint128();
        emit Bonded(msg.sender, amount, b.active);
        bondToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Start unbonding `amount`; it stays slashable until the delay has passed.
    function requestUnbond(uint256 amount) external {
        if (amount == 0) revert OperatorBondsZeroAmount();
        Bond storage b = _bonds[msg.sender];
        if (amount > b.active) revert OperatorBondsInsufficientBond(amount, b.active);
        b.active -= uint128(amount);
        b.unbonding += uint128(amount);
        b.unlockAt = uint64(block.timestamp + _params.unbondDelay);
        emit UnbondRequested(msg.sender, amount, b.unlockAt);
    }

    /// @notice Withdraw unbonded collateral once the delay has passed.
    function withdraw() external nonReentrant {
        Bond storage b = _bonds[msg.sender];
        uint256 amount = b.unbonding;
        if (amount == 0) revert OperatorBondsZeroAmount();
        if (block.timestamp < b.unlockAt) revert OperatorBondsStillLocked(b.unlockAt);
        b.unbonding = 0;
        emit Withdrawn(msg.sender, amount);
        bondToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Prove that one operator signed two different reports with the same stream, sequence and
    /// config digest.
    /// @param a Header of the first report.
    /// @param sigA The operator's 65-byte signature over report `a`.
    /// @param b Header of the second report.
    /// @param sigB The operator's 65-byte signature over report `b`.
    /// @return operator The slashed operator.
    function proveEquivocation(
        ReportHeader calldata a,
        bytes calldata sigA,
        ReportHeader calldata b,
        bytes calldata sigB
    ) external nonReentrant returns (address operator) {
        // Reports under different config digests never conflict: only the current digest verifies, so
        // re-signing an unsubmitted sequence after a config change (e.g. after a slash) is honest.
        // Only conflicting statements count: the same stream, sequence and config digest with different
        // payloads. Reports under different digests never both verify, and re-signing the same payload
        // with a new deadline restates it rather than contradicting it.
        if (
            a.stream != b.stream ||
            a.sequence != b.sequence ||
            a.configDigest != b.configDigest ||
            a.payloadHash == b.payloadHash
        ) {
            revert OperatorBondsNotEquivocation();
        }
        bytes32 hashA = ReportTypes.hashReport(
            a.stream,
            a.configDigest,
            a.sequence,
            a.deadline,
            a.payloadHash
        );
        bytes32 hashB = ReportTypes.hashReport(
            b.stream,
            b.configDigest,
            b.sequence,
            b.deadline,
            b.payloadHash
        );
        address signerA = _recover(registry.hashTypedData(hashA), sigA);
        address signerB = _recover(registry.hashTypedData(hashB), sigB);
        if (signerA != signerB) revert OperatorBondsSignersDiffer(signerA, signerB);
        operator = signerA;
        _slash(operator, a.stream, a.sequence, hashA, hashB);
    }

    /// @notice Split reward tokens received since the last distribution equally among current
    /// operators that have an active bond. Bounded: the registry holds at most 31 operators.
    function distributeRewards() external {
        uint256 balance = rewardToken.balanceOf(address(this));
        uint256 fresh = balance - _undistributed;
        address[] memory ops = registry.operators();
        uint256 eligible;
        for (uint256 i = 0; i < ops.length; ++i) {
            if (_bonds[ops[i]].active != 0) ++eligible;
        }
        if (fresh == 0 || eligible == 0) return;
        uint256 each = fresh / eligible;
        for (uint256 i = 0; i < ops.length; ++i) {
            if (_bonds[ops[i]].active != 0) _rewards[ops[i]] += each;
        }
        _undistributed += each * eligible;
        emit RewardsDistributed(each * eligible, eligible);
    }

    /// @notice Claim the caller's distributed rewards.
    function claimRewards() external nonReentrant returns (uint256 amount) {
        amount = _rewards[msg.sender];
        if (amount == 0) revert OperatorBondsNothingToClaim(msg.sender);
        _rewards[msg.sender] = 0;
        _undistributed -= amount;
        emit RewardsClaimed(msg.sender, amount);
        rewardToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Set slashing and unbonding parameters.
    function setParams(Params calldata newParams) external onlyRole(GOVERNANCE_ROLE) {
        _setParams(newParams);
    }

    /// @notice An operator's bond.
    function bondOf(address operator) external view returns (Bond memory) {
        return _bonds[operator];
    }

    /// @notice Rewards credited to `operator` and not yet claimed.
    function rewardsOf(address operator) external view returns (uint256) {
        return _rewards[operator];
    }

    /// @notice Slashing and unbonding parameters.
    function params() external view returns (Params memory) {
        return _params;
    }

    function _setParams(Params memory p) private {
        if (p.slashBps > Units.BPS || p.proverRewardBps > Units.BPS || p.treasury == address(0)) {
            revert OperatorBondsInvalidParams();
        }
        _params = p;
        emit ParamsSet(p);
    }

    function _slash(address operator, uint8 stream, uint64 sequence, bytes32 hashA, bytes32 hashB) private {
        bytes32 offence = keccak256(abi.encode(operator, stream, sequence));
        if (_slashedOffences[offence]) revert OperatorBondsAlreadySlashed(operator, stream, sequence);
        _slashedOffences[offence] = true;
        Bond storage bd = _bonds[operator];
        Params memory p = _params;
        uint256 slashed = Math.mulDiv(uint256(bd.active) + bd.unbonding, p.slashBps, Units.BPS);
        if (slashed == 0) revert OperatorBondsNothingToSlash(operator);
        // Take from the active bond first, then from what is unbonding.
        uint256 fromActive = slashed > bd.active ? bd.active : slashed;
        bd.active -= uint128(fromActive);
        bd.unbonding -= uint128(slashed - fromActive);
        uint256 reward = Math.mulDiv(slashed, p.proverRewardBps, Units.BPS);
        emit Slashed(operator, msg.sender, stream, sequence, hashA, hashB, slashed, reward);

        if (registry.isOperator(operator)) registry.removeOperator(operator);
        if (reward != 0) bondToken.safeTransfer(msg.sender, reward);
        if (slashed > reward) bondToken.safeTransfer(p.treasury, slashed - reward);
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address signer) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, sig);
        if (err != ECDSA.RecoverError.NoError) revert OperatorBondsInvalidSignature();
        return recovered;
    }
}
