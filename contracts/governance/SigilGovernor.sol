// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

/// @title SigilGovernor
/// @notice Governance over risk parameters, the oracle operator set and fees, with voting power from
/// vault shares (checkpointed, so votes borrowed after a proposal's snapshot count for nothing) and
/// every change executed by the timelock. Against minority capture: proposing needs a share of the
/// supply, a quorum must vote, a vote that reaches quorum late is extended so others can answer, a
/// security council (the proposal guardian) can cancel any proposal before it executes, and the
/// timelock holds sensitive operations longer than a holder needs to exit.
contract SigilGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorPreventLateQuorum,
    GovernorProposalGuardian,
    GovernorTimelockControl
{
    /// @notice Most the proposal threshold may be, as a share of the supply.
    uint256 public constant MAX_PROPOSAL_THRESHOLD_BPS = 1_000;

    uint256 private _proposalThresholdBps;

    /// @notice Thrown for a proposal threshold share above the maximum.
    error SigilGovernorInvalidThreshold(uint256 bps);

    /// @notice Emitted when the proposal threshold, as a share of the supply, changes.
    event ProposalThresholdBpsSet(uint256 previousBps, uint256 newBps);

    /// @notice Deployment settings.
    struct Settings {
        uint48 votingDelay; // blocks between proposal and snapshot
        uint32 votingPeriod; // blocks the vote stays open
        uint256 quorumPercent; // of the supply at the snapshot
        uint256 proposalThresholdBps; // votes needed to propose, basis points of the supply
        uint48 lateQuorumExtension; // blocks a vote is extended when quorum is reached late
        address securityCouncil; // may cancel any proposal before execution (address(0) = none)
    }

    /// @param token The vault's share token (ERC20Votes).
    /// @param timelock The timelock that holds every governance role.
    /// @param s The settings.
    constructor(
        IVotes token,
        TimelockController timelock,
        Settings memory s
    )
        Governor("Sigil Governor")
        GovernorSettings(s.votingDelay, s.votingPeriod, 0)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(s.quorumPercent)
        GovernorPreventLateQuorum(s.lateQuorumExtension)
        GovernorTimelockControl(timelock)
    {
        _setProposalThresholdBps(s.proposalThresholdBps);
        if (s.securityCouncil != address(0)) _setProposalGuardian(s.securityCouncil);
    }

    /// @notice Set the votes needed to propose, as basis points of the supply (through governance).
    /// @param bps Basis points of the total supply one block before the proposal.
    function setProposalThresholdBps(uint256 bps) external onlyGovernance {
        _setProposalThresholdBps(bps);
    }

    /// @notice The votes needed to propose, as basis points of the supply.
    function proposalThresholdBps() external view returns (uint256) {
        return _proposalThresholdBps;
    }

    /// @notice Votes needed to propose now: the fixed threshold or the share of the supply, whichever is
    /// larger.
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        uint256 fixedThreshold = super.proposalThreshold();
        uint256 timepoint = clock();
        if (timepoint == 0) return fixedThreshold;
        uint256 share = (token().getPastTotalSupply(timepoint - 1) * _proposalThresholdBps) / 10_000;
        return share > fixedThreshold ? share : fixedThreshold;
    }

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function quorum(
        uint256 timepoint
    ) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function proposalDeadline(
        uint256 proposalId
    ) public view override(Governor, GovernorPreventLateQuorum) returns (uint256) {
        return super.proposalDeadline(proposalId);
    }

    function state(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _setProposalThresholdBps(uint256 bps) private {
        if (bps > MAX_PROPOSAL_THRESHOLD_BPS) revert SigilGovernorInvalidThreshold(bps);
        emit ProposalThresholdBpsSet(_proposalThresholdBps, bps);
        _proposalThresholdBps = bps;
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _validateCancel(
        uint256 proposalId,
        address caller
    ) internal view override(Governor, GovernorProposalGuardian) returns (bool) {
        return super._validateCancel(proposalId, caller);
    }

    /// @dev The timelock raises the delay of sensitive operations above its minimum; the ETA recorded
    /// (and shown by `proposalEta`) is the one the timelock actually scheduled.
    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
        TimelockController tl = TimelockController(payable(timelock()));
        // The salt GovernorTimelockControl uses for this proposal's operation.
        bytes32 salt = bytes20(address(this)) ^ descriptionHash;
        return uint48(tl.getTimestamp(tl.hashOperationBatch(targets, values, calldatas, 0, salt)));
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
