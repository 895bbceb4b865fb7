// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IOracleRegistry} from "../interfaces/IOracleRegistry.sol";
import {IRiskPolicy} from "../interfaces/IRiskPolicy.sol";
import {ISigilVault} from "../interfaces/ISigilVault.sol";
import {ReportTypes} from "../libraries/ReportTypes.sol";
import {Units} from "../libraries/Units.sol";
import {EpochBook} from "./EpochBook.sol";
import {NavGuard} from "./NavGuard.sol";

/// @title SigilVault
/// @notice ERC-4626 accounting over a stable asset whose shares carry votes (ERC20Votes). Part of the NAV
/// lives at the trading venue and is only known from co-signed NAV reports, so deposits and redemptions
/// are requests fulfilled at a settlement price (the ERC-7540 pattern). Each epoch has a cut-off: a
/// request made before it joins the epoch, one made after joins the next, and the epoch settles only
/// with a report valued at or after the cut-off, so no request ever settles at a price valued before
/// it was made; after the cut-off a request can no longer be cancelled.
/// @dev Settlement is O(1) in the number of requests: it records one price per epoch and each request is
/// claimed later at that price. Rounding always favours the vault; virtual shares (decimals offset)
/// make the first-depositor inflation attack unprofitable. Custody moves are counted cumulatively and
/// every NAV report says which of them its venue equity reflects, so a move between a valuation and
/// its settlement (or in transit) is neither lost nor counted twice, and never moves the share price.
contract SigilVault is
    ISigilVault,
    ERC4626,
    ERC20Permit,
    ERC20Votes,
    AccessControl,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;
    using Math for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant CUSTODIAN_ROLE = keccak256("CUSTODIAN_ROLE");

    /// @notice Hard caps on fee rates; governance can set rates only up to these.
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 500; // 5% a year
    uint16 public constant MAX_PERFORMANCE_FEE_BPS = 3_000; // 30% of gains above the high-water mark
    /// @notice Bounds on the schedule, so that no setting can stall exits for long or make honest
    /// settlement impossible.
    uint32 public constant MAX_EPOCH_DURATION = 7 days;
    uint32 public constant MIN_NAV_AGE = 60;
    uint32 public constant MAX_NAV_AGE = 1 days;
    uint32 public constant MAX_CONFIRM_DELAY = 7 days;
    uint32 public constant MAX_NAV_TTL = 30 days;
    uint32 public constant MIN_RISK_WINDOW = 7;
    uint32 public constant MAX_RISK_WINDOW = 30 days;
    uint256 private constant YEAR = 365 days;
    uint256 private constant PPS_SCALE = 1e18;
    uint8 private constant DECIMALS_OFFSET = 6;

    struct Fees {
        uint16 managementBps;
        uint16 performanceBps;
        uint16 operatorShareBps; // of every fee, the part that goes to oracle operators
        address treasury;
    }

    /// @notice Timing of epochs and reports (seconds).
    struct Schedule {
        uint32 epochDuration; // from a settlement to the next cut-off
        uint32 maxNavAge; // oldest valuation a settlement accepts
        uint32 navConfirmDelay; // before a change beyond the NAV bound can be confirmed
        uint32 navTtl; // a settled NAV stays fresh for new deposits this long
        uint32 riskWindow; // trailing window of the NAV bound and the daily-loss breaker
    }

    struct NavState {
        uint128 totalAssets; // at the last settlement
        uint64 timestamp; // valuation time of the last settled report
        uint64 sequence; // last NAV report sequence consumed
    }

    /// @notice Cumulative custody moves booked on-chain, in asset units.
    struct Custody {
        uint128 sent;
        uint128 returned;
    }

    event DepositRequested(
        address indexed controller,
        address indexed owner,
        uint64 indexed epoch,
        uint256 assets
    );
    event RedeemRequested(
        address indexed controller,
        address indexed owner,
        uint64 indexed batch,
        uint256 shares
    );
    event DepositRequestCancelled(address indexed controller, uint64 indexed epoch, uint256 assets);
    event RedeemRequestCancelled(address indexed controller, uint64 indexed batch, uint256 shares);
    event DepositClaimed(
        address indexed controller,
        address indexed receiver,
        uint64 indexed epoch,
        uint256 assets,
        uint256 shares,
        uint256 refunded
    );
    event RedeemClaimed(
        address indexed controller,
        address indexed receiver,
        uint64 indexed batch,
        uint256 shares,
        uint256 assets
    );
    event EpochSettled(
        uint64 indexed epoch,
        uint64 indexed navSequence,
        bytes32 reportHash,
        uint256 totalAssets,
        uint256 totalSupply,
        uint256 pricePerShare,
        uint256 depositAssets,
        uint256 depositShares,
        uint256 redeemShares,
        uint256 redeemAssets
    );
    /// @notice A validly signed report moved NAV beyond the policy's bound against the trailing window:
    /// not booked. `confirmableAt` is when a later report agreeing with it may book it.
    event NavRejected(
        uint64 indexed epoch,
        uint64 indexed navSequence,
        bytes32 reportHash,
        uint256 reported,
        uint256 booked,
        uint64 confirmableAt
    );
    /// @notice A change beyond the bound was confirmed by a second report and booked.
    event NavChangeConfirmed(
        uint64 indexed epoch,
        uint64 indexed navSequence,
        uint256 booked,
        uint256 reported
    );
    /// @notice Some of the epoch's deposits were refused because the cap was reached; they are refunded pro rata.
    event DepositsCapped(uint64 indexed epoch, uint256 requested, uint256 accepted);
    event RedemptionsDeferred(uint64 indexed batch, uint256 shares, uint256 assetsNeeded, uint256 idle);
    event FeesTaken(
        uint64 indexed epoch,
        uint256 managementAssets,
        uint256 performanceAssets,
        uint256 treasuryShares,
        uint256 operatorShares
    );
    event CustodySent(
        address indexed custodian,
        uint256 assets,
        int256 offchainEquity,
        uint256 totalSent,
        bytes32 venueRef
    );
    event CustodyReturned(
        address indexed custodian,
        uint256 assets,
        int256 offchainEquity,
        uint256 totalReturned,
        bytes32 venueRef
    );
    event FeesSet(Fees fees);
    event OperatorRewardsSet(address recipient);
    event CapSet(uint256 cap);
    event ScheduleSet(Schedule schedule);
    event DepositsPausedSet(bool paused, address indexed by);

    IOracleRegistry public immutable registry;
    IRiskPolicy public immutable policy;
    /// @notice Checks NAV reports and judges them against the recent settled prices.
    NavGuard public immutable navGuard;
    /// @notice The book of requests, epochs and cut-offs; the vault holds every token it accounts for.
    EpochBook public immutable epochBook;

    NavState private _nav;
    Custody private _custody;
    Schedule private _schedule;
    /// @notice What the vault holds but does not own: deposits waiting for a settlement, and assets
    /// owed to fulfilled redemptions and refused deposits not yet claimed. One slot, read together by
    /// every NAV computation; the marker keeps it non-zero, so a first deposit pays an update.
    struct Held {
        uint128 pendingDeposits;
        uint120 owed;
        uint8 marker;
    }

    Held private _held;
    int256 private _offchainEquity; // booked venue equity: the last report, adjusted by custody since
    uint256 private _highWaterMark; // price per share, 1e18 scale
    /// @dev The cap and the guardian's deposit pause, read together by every deposit request.
    struct Gate {
        uint248 cap;
        bool depositsPaused;
    }

    Gate private _gate;
    Fees private _fees;
    address private _operatorRewards;

    /// @param asset_ The stable asset.
    /// @param registry_ Oracle registry that verifies NAV reports.
    /// @param policy_ Risk policy (off-chain allocation, NAV change bound, breakers, kill level).
    /// @param admin Receives admin and governance roles (the timelock, or the deployer until wired).
    /// @param cap Maximum total assets; deposits beyond it at a settlement are refunded pro rata.
    /// @param schedule_ Epoch and report timing.
    constructor(
        IERC20 asset_,
        IOracleRegistry registry_,
        IRiskPolicy policy_,
        address admin,
        uint256 cap,
        Schedule memory schedule_
    ) ERC20("Sigil Vault Share", "sgSHARE") ERC20Permit("Sigil Vault Share") ERC4626(asset_) {
        registry = registry_;
        policy = policy_;
        _validateSchedule(schedule_);
        navGuard = new NavGuard(registry_, schedule_.riskWindow);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _gate.cap = cap.toUint248();
        _held.marker = 1;
        _schedule = schedule_;
        epochBook = new EpochBook(block.timestamp + schedule_.epochDuration);
        _highWaterMark = _pricePerShare(0, 0);
        _fees.treasury = admin;
        emit CapSet(cap);
        emit ScheduleSet(schedule_);
    }

    // ================================================================ requests

    /// @notice Request a deposit of `assets`. Made before the epoch's cut-off it joins the epoch, after it
    /// the next one; it is fulfilled at that epoch's settlement price (deposits beyond the cap are
    /// refunded pro rata). Assets move into the vault now; shares are claimed with `claimDeposit`.
    /// @param assets Amount of the stable asset.
    /// @param controller Who may claim or cancel the request.
    /// @return epoch The epoch (request id) the request joins.
    function requestDeposit(uint256 assets, address controller) external nonReentrant returns (uint64 epoch) {
        if (assets == 0) revert SigilVaultZeroAmount();
        if (controller == address(0)) revert SigilVaultZeroAddress();
        Gate memory gate = _gate;
        if (gate.depositsPaused || policy.killLevel() == IRiskPolicy.KillLevel.Flatten)
            revert SigilVaultDepositsPaused();
        _requireFreshNav();
        uint256 total = totalAssets();
        if (total >= gate.cap) revert SigilVaultCapReached(total, gate.cap);
        EpochBook.Entry memory claimed;
        (epoch, claimed) = epochBook.addDeposit(controller, assets);
        // Effects before the transfers; the nonReentrant guard covers a malicious asset.
        _held.pendingDeposits += assets.toUint128();
        emit DepositRequested(controller, msg.sender, epoch, assets);
        // The slot's earlier request, settled, was claimed to make room for this one.
        if (claimed.amount != 0) _payDeposit(controller, controller, claimed);
        IERC20(asset()).safeTransferFrom(msg.sender, address(this), assets);
    }

    /// @notice Request redemption of `shares`, fulfilled at the settlement of the epoch it joins (before
    /// or after the cut-off, as deposits), or later if idle assets cannot pay it then. Shares move into
    /// the vault's escrow now and stay exposed to P&L until fulfilled. Never needs a fresh NAV: holders
    /// can always queue an exit.
    /// @param shares Shares to redeem.
    /// @param controller Who may claim or cancel the request.
    /// @param owner Whose shares; the caller needs an allowance when it is not the owner.
    /// @return batch The epoch (request id) the request joins.
    function requestRedeem(
        uint256 shares,
        address controller,
        address owner
    ) external nonReentrant returns (uint64 batch) {
        if (shares == 0) revert SigilVaultZeroAmount();
        if (controller == address(0)) revert SigilVaultZeroAddress();
        if (msg.sender != owner) _spendAllowance(owner, msg.sender, shares);
        EpochBook.Entry memory claimed;
        (batch, claimed) = epochBook.addRedeem(controller, shares);
        _transfer(owner, address(this), shares);
        emit RedeemRequested(controller, owner, batch, shares);
        if (claimed.amount != 0) _payRedeem(controller, controller, claimed);
    }

    /// @notice Cancel the caller's deposit requests still open: those of the next epoch, and those of the
    /// epoch settling next while its cut-off has not passed. The assets go back to the caller.
    function cancelDepositRequest() external nonReentrant {
        EpochBook.Entry[2] memory cancelled = epochBook.cancelDeposits(msg.sender);
        uint256 total;
        for (uint256 i = 0; i < 2; ++i) {
            if (cancelled[i].amount == 0) continue;
            total += cancelled[i].amount;
            emit DepositRequestCancelled(msg.sender, cancelled[i].batch, cancelled[i].amount);
        }
        if (total == 0) revert SigilVaultNothingToCancel(msg.sender, _cutoff());
        _held.pendingDeposits -= total.toUint128();
        IERC20(asset()).safeTransfer(msg.sender, total);
    }

    /// @notice Cancel the caller's redeem requests still open (as for deposits; a request deferred into
    /// the epoch settling next counts as one of that epoch). The shares go back to the caller.
    function cancelRedeemRequest() external nonReentrant {
        EpochBook.Entry[2] memory cancelled = epochBook.cancelRedeems(msg.sender);
        uint256 total;
        for (uint256 i = 0; i < 2; ++i) {
            if (cancelled[i].amount == 0) continue;
            total += cancelled[i].amount;
            emit RedeemRequestCancelled(msg.sender, cancelled[i].batch, cancelled[i].amount);
        }
        if (total == 0) revert SigilVaultNothingToCancel(msg.sender, _cutoff());
        _transfer(address(this), msg.sender, total);
    }

    /// @notice Claim the shares (and any refund of assets the cap refused) of settled deposit requests.
    /// @param receiver Who receives the shares and refund.
    /// @return shares Shares transferred.
    function claimDeposit(address receiver) external nonReentrant returns (uint256 shares) {
        EpochBook.Entry[2] memory claims = epochBook.claimDeposits(msg.sender);
        if (claims[0].amount == 0 && claims[1].amount == 0) revert SigilVaultNothingToClaim(msg.sender);
        for (uint256 i = 0; i < 2; ++i)
            if (claims[i].amount != 0) shares += _payDeposit(msg.sender, receiver, claims[i]);
    }

    /// @notice Claim the assets of fulfilled redeem requests.
    /// @param receiver Who receives the assets.
    /// @return assets Assets transferred.
    function claimRedeem(address receiver) external nonReentrant returns (uint256 assets) {
        EpochBook.Entry[2] memory claims = epochBook.claimRedeems(msg.sender);
        if (claims[0].amount == 0 && claims[1].amount == 0) revert SigilVaultNothingToClaim(msg.sender);
        for (uint256 i = 0; i < 2; ++i)
            if (claims[i].amount != 0) assets += _payRedeem(msg.sender, receiver, claims[i]);
    }

    // ================================================================ settlement

    /// @notice Settle the epoch with a co-signed NAV report valued at or after its cut-off: book the venue
    /// equity (adjusted by the custody moves the report does not reflect), take fees, check the loss
    /// breakers, and fulfil the epoch's deposits and redemptions at the new price.
    /// @dev A validly signed report that moves the price beyond the policy's bound against any price of
    /// the trailing risk window is recorded as rejected (an event; its sequence is consumed): a loss
    /// trips the breakers at once (ReduceOnly, Flatten past the drawdown limit), and a later report,
    /// valued at least `navConfirmDelay` after it and agreeing with it, books it.
    /// @param report The NAV report.
    /// @param signatures Operator signatures in ascending signer order.
    function settle(ReportTypes.NavReport calldata report, bytes calldata signatures) external nonReentrant {
        (uint64 epoch, uint64 cutoff) = epochBook.epochState();
        NavState memory nav = _nav;
        uint256 supply = totalSupply();
        uint256 booked = totalAssets();
        IRiskPolicy.Limits memory limits = policy.limits();
        NavGuard.Assessment memory a = navGuard.assess(
            report,
            signatures,
            NavGuard.Context({
                epoch: epoch,
                cutoff: cutoff,
                lastSequence: nav.sequence,
                lastTimestamp: nav.timestamp,
                maxNavAge: _schedule.maxNavAge,
                confirmDelay: _schedule.navConfirmDelay,
                boundBps: limits.maxNavChangeBps,
                sent: _custody.sent,
                returned: _custody.returned,
                idle: _idleAssets(),
                booked: booked,
                supply: supply
            })
        );
        _nav.sequence = report.sequence;
        if (a.verdict == NavGuard.Verdict.Reject) {
            emit NavRejected(epoch, report.sequence, a.reportHash, a.reported, booked, a.confirmableAt);
            // A loss too large to book still trips the breakers: ReduceOnly at least, Flatten past the
            // drawdown limit.
            if (a.reported < booked) {
                policy.tripBreaker(IRiskPolicy.KillLevel.ReduceOnly, "nav-loss-unbooked");
                _checkDrawdown(_pricePerShare(a.reported, supply), limits);
            }
            return;
        }
        if (a.verdict == NavGuard.Verdict.Confirm) {
            emit NavChangeConfirmed(epoch, report.sequence, booked, a.reported);
        }
        _offchainEquity = a.offchain;
        _settle(epoch, report.sequence, a, report.nav.timestamp, limits, supply == 0);
    }

    /// @dev Book fees and breakers at the new price, fulfil the epoch's requests, open the next epoch.
    function _settle(
        uint64 epoch,
        uint64 sequence,
        NavGuard.Assessment memory a,
        uint64 navTimestamp,
        IRiskPolicy.Limits memory limits,
        bool noHolders
    ) private {
        _takeFees(epoch, navTimestamp);
        uint256 assets = totalAssets();
        uint256 supply = totalSupply();
        uint256 pps = _pricePerShare(assets, supply);
        if (!noHolders) {
            // The report's fall below the window's high: the rolling daily loss.
            if (a.lossBps > limits.maxDailyLossBps)
                policy.tripBreaker(IRiskPolicy.KillLevel.ReduceOnly, "daily-loss");
            _checkDrawdown(pps, limits);
        }
        EpochBook.Outcome memory o = _fulfil(epoch, assets, supply);
        uint256 newAssets = totalAssets();
        _nav = NavState({totalAssets: newAssets.toUint128(), timestamp: navTimestamp, sequence: sequence});
        navGuard.record(a.index, navTimestamp, noHolders || a.verdict == NavGuard.Verdict.Confirm);
        emit EpochSettled(
            epoch,
            sequence,
            a.reportHash,
            newAssets,
            totalSupply(),
            pps,
            o.depositAssets,
            o.depositShares,
            o.redeemShares,
            o.redeemAssets
        );
    }

    /// @dev The epoch's requests at the settlement price: shares minted and burnt, assets owed.
    function _fulfil(
        uint64 epoch,
        uint256 assets,
        uint256 supply
    ) private returns (EpochBook.Outcome memory o) {
        o = epochBook.settle(
            EpochBook.Price({
                priceAssets: assets + 1,
                priceShares: supply + 10 ** DECIMALS_OFFSET,
                room: _gate.cap > assets ? _gate.cap - assets : 0,
                idle: _idleAssets(),
                epochDuration: _schedule.epochDuration
            })
        );
        // Deposits leave the pending pool: the accepted part becomes the vault's, the rest is owed back.
        Held memory h = _held;
        h.pendingDeposits -= o.depositsRequested.toUint128();
        h.owed += (o.depositsRequested - o.depositAssets + o.redeemAssets).toUint120();
        _held = h;
        if (o.depositShares != 0) _mint(address(this), o.depositShares);
        if (o.redeemShares != 0) _burn(address(this), o.redeemShares);
        if (o.depositAssets < o.depositsRequested)
            emit DepositsCapped(epoch, o.depositsRequested, o.depositAssets);
        if (o.deferredShares != 0) {
            emit RedemptionsDeferred(
                epoch,
                o.deferredShares,
                o.deferredAssets,
                _idleAssets() + o.redeemAssets
            );
        }
    }

    function _takeFees(uint64 epoch, uint64 navTimestamp) private {
        Fees memory f = _fees;
        uint256 assets = totalAssets();
        uint256 supply = totalSupply();
        if (supply == 0) {
            // No holders: nobody to charge, and the next holders enter at this price. It becomes the
            // reference for the performance fee and the loss breakers, so leftover rounding or a donation
            // is not charged as their gain, nor an old mark counted as their drawdown.
            _highWaterMark = _pricePerShare(assets, 0);
            return;
        }
        if (assets == 0) return;
        uint256 elapsed = _nav.timestamp == 0 ? 0 : navTimestamp - _nav.timestamp;
        uint256 mgmt = assets.mulDiv(uint256(f.managementBps) * elapsed, Units.BPS * YEAR);
        uint256 pps = _pricePerShare(assets - mgmt, supply);
        uint256 perf;
        if (pps > _highWaterMark) {
            // Gain above the high-water mark, on every share outstanding.
            uint256 gain = (pps - _highWaterMark).mulDiv(supply + 10 ** DECIMALS_OFFSET, PPS_SCALE);
            perf = gain.mulDiv(f.performanceBps, Units.BPS);
        }
        uint256 fee = mgmt + perf;
        if (fee == 0 || fee >= assets) {
            if (pps > _highWaterMark) _highWaterMark = pps;
            return;
        }
        // Mint shares worth `fee` at the post-fee price: fee/(assets - fee) of the supply (rounded down).
        uint256 feeShares = fee.mulDiv(supply + 10 ** DECIMALS_OFFSET, assets - fee + 1);
        uint256 operatorShares = feeShares.mulDiv(f.operatorShareBps, Units.BPS);
        address operatorRecipient = _operatorRewards == address(0) ? f.treasury : _operatorRewards;
        if (operatorShares != 0) _mint(operatorRecipient, operatorShares);
        if (feeShares > operatorShares) _mint(f.treasury, feeShares - operatorShares);
        uint256 after_ = _pricePerShare(totalAssets(), totalSupply());
        if (after_ > _highWaterMark) _highWaterMark = after_;
        emit FeesTaken(epoch, mgmt, perf, feeShares - operatorShares, operatorShares);
    }

    /// @dev A share price further below the high-water mark than the drawdown limit trips Flatten.
    function _checkDrawdown(uint256 pps, IRiskPolicy.Limits memory limits) private {
        uint256 hwm = _highWaterMark;
        if (pps < hwm && (hwm - pps) * Units.BPS > hwm * limits.maxDrawdownBps) {
            policy.tripBreaker(IRiskPolicy.KillLevel.Flatten, "drawdown");
        }
    }

    // ================================================================ custody

    /// @notice Move idle assets to the venue account (the custodian), within the policy's off-chain limit.
    /// The share price does not move: the assets leave idle and join booked venue equity.
    /// @param assets Amount to move.
    /// @param venueRef Reference of the matching venue deposit, for reconciliation.
    function sendToVenue(uint256 assets, bytes32 venueRef) external onlyRole(CUSTODIAN_ROLE) nonReentrant {
        if (assets == 0) revert SigilVaultZeroAmount();
        uint256 idle = _idleAssets();
        if (assets > idle) revert SigilVaultInsufficientIdle(assets, idle);
        uint256 total = totalAssets();
        int256 wouldBe = _offchainEquity + assets.toInt256();
        uint256 limit = total.mulDiv(policy.limits().maxOffchainBps, Units.BPS);
        if (wouldBe > limit.toInt256()) revert SigilVaultOffchainLimit(wouldBe, limit);
        _offchainEquity = wouldBe;
        uint128 sent = _custody.sent + assets.toUint128();
        _custody.sent = sent;
        emit CustodySent(msg.sender, assets, wouldBe, sent, venueRef);
        IERC20(asset()).safeTransfer(msg.sender, assets);
    }

    /// @notice Return assets from the venue account to the vault. The share price does not move: the
    /// assets leave booked venue equity and join idle (a return beyond the booked equity is profit not
    /// yet reported, and leaves booked venue equity below zero until the next report).
    /// @param assets Amount returned (pulled from the custodian).
    /// @param venueRef Reference of the matching venue withdrawal.
    function returnFromVenue(
        uint256 assets,
        bytes32 venueRef
    ) external onlyRole(CUSTODIAN_ROLE) nonReentrant {
        if (assets == 0) revert SigilVaultZeroAmount();
        int256 equity = _offchainEquity - assets.toInt256();
        _offchainEquity = equity;
        uint128 returned = _custody.returned + assets.toUint128();
        _custody.returned = returned;
        emit CustodyReturned(msg.sender, assets, equity, returned, venueRef);
        IERC20(asset()).safeTransferFrom(msg.sender, address(this), assets);
    }

    // ================================================================ governance

    /// @notice Set fee rates (capped) and the treasury.
    function setFees(Fees calldata fees) external onlyRole(GOVERNANCE_ROLE) {
        if (fees.managementBps > MAX_MANAGEMENT_FEE_BPS) revert SigilVaultFeeAboveCap("management");
        if (fees.performanceBps > MAX_PERFORMANCE_FEE_BPS) revert SigilVaultFeeAboveCap("performance");
        if (fees.operatorShareBps > Units.BPS) revert SigilVaultFeeAboveCap("operatorShare");
        if (fees.treasury == address(0)) revert SigilVaultZeroAddress();
        _fees = fees;
        emit FeesSet(fees);
    }

    /// @notice Set where the operators' share of fees is minted (the operator bond contract).
    function setOperatorRewards(address recipient) external onlyRole(GOVERNANCE_ROLE) {
        _operatorRewards = recipient;
        emit OperatorRewardsSet(recipient);
    }

    /// @notice Set the cap on total assets; deposits beyond it at a settlement are refunded pro rata.
    function setCap(uint256 cap) external onlyRole(GOVERNANCE_ROLE) {
        _gate.cap = cap.toUint248();
        emit CapSet(cap);
    }

    /// @notice Set the epoch and report timing: epoch duration (from a settlement to the next cut-off, from
    /// the next settlement on), max NAV age, confirmation delay of changes beyond the NAV bound, NAV
    /// time-to-live for deposits, and the risk window (which restarts from the last settled price when
    /// it changes).
    function setSchedule(Schedule calldata s) external onlyRole(GOVERNANCE_ROLE) {
        _validateSchedule(s);
        uint32 previousWindow = _schedule.riskWindow;
        _schedule = s;
        emit ScheduleSet(s);
        if (s.riskWindow != previousWindow) {
            navGuard.setWindow(s.riskWindow, _nav.timestamp);
        }
    }

    /// @notice Pause new deposit requests (guardian: tightening). Claims, cancels and redemptions stay open.
    function pauseDeposits() external onlyRole(GUARDIAN_ROLE) {
        _gate.depositsPaused = true;
        emit DepositsPausedSet(true, msg.sender);
    }

    /// @notice Resume deposit requests (governance only: loosening).
    function unpauseDeposits() external onlyRole(GOVERNANCE_ROLE) {
        _gate.depositsPaused = false;
        emit DepositsPausedSet(false, msg.sender);
    }

    // ================================================================ views

    /// @notice Idle on-chain assets plus booked venue equity, excluding pending deposits and assets owed
    /// to claims.
    function totalAssets() public view override returns (uint256) {
        return _nonNegative(_idleAssets().toInt256() + _offchainEquity);
    }

    /// @inheritdoc ISigilVault
    function lastNav() external view returns (uint128, uint64) {
        return (_nav.totalAssets, _nav.timestamp);
    }

    /// @inheritdoc ISigilVault
    function currentEpoch() external view returns (uint64 epoch) {
        (epoch, ) = epochBook.epochState();
    }

    /// @notice Last consumed NAV report sequence.
    function navSequence() external view returns (uint64) {
        return _nav.sequence;
    }

    /// @notice Whether new deposit requests are accepted now (a fresh NAV, or nothing held off-chain).
    function isNavFresh() public view returns (bool) {
        return _offchainEquity == 0 || block.timestamp <= uint256(_nav.timestamp) + _schedule.navTtl;
    }

    /// @notice Assets owed to fulfilled redemptions and refused deposits not yet claimed.
    function reservedAssets() external view returns (uint256) {
        return _held.owed;
    }

    /// @notice Booked venue equity: the last report's, adjusted by custody moves since (negative when
    /// more came back than was booked: profit not yet reported).
    function offchainEquity() external view returns (int256) {
        return _offchainEquity;
    }

    /// @notice Cumulative custody moves booked on-chain (what NAV reports' custody counters refer to).
    function custodyTotals() external view returns (uint256 sent, uint256 returned) {
        return (_custody.sent, _custody.returned);
    }

    /// @notice Price per share (1e18 scale, assets per whole share unit) and the high-water mark.
    function sharePrice() external view returns (uint256 pps, uint256 highWaterMark) {
        return (_pricePerShare(totalAssets(), totalSupply()), _highWaterMark);
    }

    /// @notice Fee rates and treasury.
    function fees() external view returns (Fees memory) {
        return _fees;
    }

    /// @notice Cap, NAV time-to-live, deposit pause flag.
    function parameters() external view returns (uint256 cap, uint256 navTtl, bool depositsPaused) {
        return (_gate.cap, _schedule.navTtl, _gate.depositsPaused);
    }

    /// @notice Epoch and report timing.
    function schedule() external view returns (Schedule memory) {
        return _schedule;
    }

    // ---------------------------------------------------------------- ERC-4626 / ERC-7540 surface

    /// @dev Requests are asynchronous; the synchronous entry points are closed (ERC-7540 behaviour).
    function deposit(uint256, address) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `deposit`.
    function mint(uint256, address) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `deposit`.
    function withdraw(uint256, address, address) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `deposit`.
    function redeem(uint256, address, address) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev Previews must revert for asynchronous flows (ERC-7540).
    function previewDeposit(uint256) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `previewDeposit`.
    function previewMint(uint256) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `previewDeposit`.
    function previewWithdraw(uint256) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev See `previewDeposit`.
    function previewRedeem(uint256) public pure override returns (uint256) {
        revert SigilVaultAsyncOnly();
    }

    /// @dev Nothing can be deposited synchronously.
    function maxDeposit(address) public pure override returns (uint256) {
        return 0;
    }

    /// @dev Nothing can be minted synchronously.
    function maxMint(address) public pure override returns (uint256) {
        return 0;
    }

    /// @dev Nothing can be withdrawn synchronously.
    function maxWithdraw(address) public pure override returns (uint256) {
        return 0;
    }

    /// @dev Nothing can be redeemed synchronously.
    function maxRedeem(address) public pure override returns (uint256) {
        return 0;
    }

    function decimals() public view override(ERC20, ERC4626) returns (uint8) {
        return super.decimals();
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    // ================================================================ internals

    function _payDeposit(
        address controller,
        address receiver,
        EpochBook.Entry memory e
    ) private returns (uint256 shares) {
        shares = e.shares;
        if (shares != 0) _transfer(address(this), receiver, shares);
        emit DepositClaimed(controller, receiver, e.batch, e.amount, shares, e.assets);
        if (e.assets != 0) {
            _held.owed -= e.assets.toUint120();
            IERC20(asset()).safeTransfer(receiver, e.assets);
        }
    }

    function _payRedeem(
        address controller,
        address receiver,
        EpochBook.Entry memory e
    ) private returns (uint256 assets) {
        assets = e.assets;
        _held.owed -= assets.toUint120();
        emit RedeemClaimed(controller, receiver, e.batch, e.amount, assets);
        IERC20(asset()).safeTransfer(receiver, assets);
    }

    function _cutoff() private view returns (uint64 cutoff) {
        (, cutoff) = epochBook.epochState();
    }

    function _idleAssets() private view returns (uint256) {
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        Held memory h = _held;
        uint256 owed = uint256(h.pendingDeposits) + h.owed;
        return balance > owed ? balance - owed : 0;
    }

    function _pricePerShare(uint256 assets, uint256 supply) private pure returns (uint256) {
        return (assets + 1).mulDiv(PPS_SCALE, supply + 10 ** DECIMALS_OFFSET);
    }

    function _nonNegative(int256 x) private pure returns (uint256) {
        return x > 0 ? uint256(x) : 0;
    }

    function _requireFreshNav() private view {
        if (!isNavFresh()) revert SigilVaultNavStale(_nav.timestamp, _schedule.navTtl);
    }

    function _validateSchedule(Schedule memory s) private pure {
        if (s.epochDuration == 0 || s.epochDuration > MAX_EPOCH_DURATION)
            revert SigilVaultInvalidSchedule("epochDuration");
        if (s.maxNavAge < MIN_NAV_AGE || s.maxNavAge > MAX_NAV_AGE)
            revert SigilVaultInvalidSchedule("maxNavAge");
        if (s.navConfirmDelay > MAX_CONFIRM_DELAY) revert SigilVaultInvalidSchedule("navConfirmDelay");
        if (s.navTtl == 0 || s.navTtl > MAX_NAV_TTL) revert SigilVaultInvalidSchedule("navTtl");
        if (s.riskWindow < MIN_RISK_WINDOW || s.riskWindow > MAX_RISK_WINDOW)
            revert SigilVaultInvalidSchedule("riskWindow");
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
