// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
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

/// @title SigilVault
/// @notice ERC-4626 accounting over a stable asset whose shares carry votes (ERC20Votes). Part of the NAV
/// lives at the trading venue and is only known from co-signed NAV reports, so deposits and redemptions
/// are requests fulfilled at the next settlement price (the ERC-7540 pattern): nobody trades against a
/// stale NAV, and a deposit placed just before a report cannot capture that report's gain.
/// @dev Settlement is O(1) in the number of requests: it records one price per epoch and each request is
/// claimed later at that price. Rounding always favours the vault; virtual shares (decimals offset)
/// make the first-depositor inflation attack unprofitable.
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
    using Math for uint256;

    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant CUSTODIAN_ROLE = keccak256("CUSTODIAN_ROLE");

    /// @notice Hard caps on fee rates; governance can set rates only up to these.
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 500; // 5% a year
    uint16 public constant MAX_PERFORMANCE_FEE_BPS = 3_000; // 30% of gains above the high-water mark
    uint256 private constant YEAR = 365 days;
    uint256 private constant PPS_SCALE = 1e18;
    uint8 private constant DECIMALS_OFFSET = 6;

    /// @notice A controller's open request: an amount (assets to deposit or shares to redeem) in a batch.
    struct Request {
        uint128 amount;
        uint64 batch;
    }

    /// @notice The price at which one batch of requests was fulfilled.
    struct Fulfilment {
        uint128 assets;
        uint128 shares;
    }

    struct Fees {
        uint16 managementBps;
        uint16 performanceBps;
        uint16 operatorShareBps; // of every fee, the part that goes to oracle operators
        address treasury;
    }

    struct NavState {
        uint128 totalAssets; // at the last settlement
        uint64 timestamp; // valuation time of the last settled report
        uint64 sequence; // last NAV report sequence consumed
    }

    /// @notice Thrown by the synchronous ERC-4626 entry points: use request then claim.
    error SigilVaultAsyncOnly();
    error SigilVaultZeroAmount();
    error SigilVaultCapExceeded(uint256 wouldBe, uint256 cap);
    error SigilVaultDepositsPaused();
    error SigilVaultNavStale(uint64 lastNav, uint256 ttl);
    error SigilVaultNothingToClaim(address controller);
    error SigilVaultRequestAlreadyFulfilled(uint64 batch);
    error SigilVaultInsufficientIdle(uint256 requested, uint256 idle);
    error SigilVaultOffchainLimit(uint256 wouldBe, uint256 limit);
    error SigilVaultStaleSequence(uint64 last, uint64 actual);
    error SigilVaultReportExpired(uint64 deadline);
    error SigilVaultWrongEpoch(uint64 expected, uint64 actual);
    error SigilVaultBadNavTimestamp(uint64 timestamp);
    error SigilVaultFeeAboveCap(bytes32 fee);
    error SigilVaultZeroAddress();

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
        uint256 shares
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
    event NavRejected(
        uint64 indexed epoch,
        uint64 indexed navSequence,
        bytes32 reportHash,
        uint256 reported,
        uint256 booked
    );
    event RedemptionsDeferred(uint64 indexed batch, uint256 shares, uint256 assetsNeeded, uint256 idle);
    event FeesTaken(
        uint64 indexed epoch,
        uint256 managementAssets,
        uint256 performanceAssets,
        uint256 treasuryShares,
        uint256 operatorShares
    );
    event CustodySent(address indexed custodian, uint256 assets, uint256 offchainEquity, bytes32 venueRef);
    event CustodyReturned(
        address indexed custodian,
        uint256 assets,
        uint256 offchainEquity,
        bytes32 venueRef
    );
    event FeesSet(Fees fees);
    event OperatorRewardsSet(address recipient);
    event CapSet(uint256 cap);
    event NavTtlSet(uint256 ttl);
    event DepositsPausedSet(bool paused, address indexed by);

    IOracleRegistry public immutable registry;
    IRiskPolicy public immutable policy;
    uint8 private immutable _assetDecimals;

    NavState private _nav;
    uint64 private _epoch; // deposit batch now open
    uint64 private _redeemBatch; // redeem batch now open (advances only when fulfilled)
    uint128 private _pendingDepositAssets;
    uint128 private _pendingRedeemShares;
    uint256 private _reservedAssets; // owed to fulfilled redemptions not yet claimed
    uint256 private _offchainEquity; // booked venue equity: last report plus custody moves since
    uint256 private _highWaterMark; // price per share, 1e18 scale
    uint256 private _dayStartPps;
    uint64 private _dayStart;
    uint256 private _cap;
    uint256 private _navTtl;
    bool private _depositsPaused;
    Fees private _fees;
    address private _operatorRewards;

    mapping(address controller => Request) private _depositRequests;
    mapping(address controller => Request) private _redeemRequests;
    mapping(uint64 epoch => Fulfilment) private _depositFulfilments;
    mapping(uint64 batch => Fulfilment) private _redeemFulfilments;

    /// @param asset_ The stable asset.
    /// @param registry_ Oracle registry that verifies NAV reports.
    /// @param policy_ Risk policy (off-chain allocation, NAV change bound, breakers, kill level).
    /// @param admin Receives admin and governance roles (the timelock, or the deployer until wired).
    /// @param cap Maximum total assets including pending deposits.
    /// @param navTtl Seconds a NAV report stays fresh.
    constructor(
        IERC20 asset_,
        IOracleRegistry registry_,
        IRiskPolicy policy_,
        address admin,
        uint256 cap,
        uint256 navTtl
    ) ERC20("Sigil Vault Share", "sgSHARE") ERC20Permit("Sigil Vault Share") ERC4626(asset_) {
        registry = registry_;
        policy = policy_;
        _assetDecimals = IERC20Metadata(address(asset_)).decimals();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
        _cap = cap;
        _navTtl = navTtl;
        _epoch = 1;
        _redeemBatch = 1;
        _highWaterMark = _pricePerShare(0, 0);
        _dayStartPps = _highWaterMark;
        _dayStart = uint64(block.timestamp);
        _fees.treasury = admin;
        emit CapSet(cap);
        emit NavTtlSet(navTtl);
    }

    // ================================================================ requests

    /// @notice Request a deposit of `assets`, fulfilled at the price of the current epoch's settlement.
    /// Assets move into the vault now; shares are claimed after settlement with `claimDeposit`.
    /// @param assets Amount of the stable asset.
    /// @param controller Who may claim or cancel the request.
    /// @return epoch The epoch (request id) the request joins.
    function requestDeposit(uint256 assets, address controller) external nonReentrant returns (uint64 epoch) {
        if (assets == 0) revert SigilVaultZeroAmount();
        if (controller == address(0)) revert SigilVaultZeroAddress();
        if (_depositsPaused || policy.killLevel() == IRiskPolicy.KillLevel.Flatten)
            revert SigilVaultDepositsPaused();
        _requireFreshNav();
        uint256 wouldBe = totalAssets() + _pendingDepositAssets + assets;
        if (wouldBe > _cap) revert SigilVaultCapExceeded(wouldBe, _cap);

        epoch = _epoch;
        Request memory r = _depositRequests[controller];
        if (r.amount != 0 && r.batch != epoch) _claimDeposit(controller, controller);
        // Effects before the transfer; the nonReentrant guard covers a malicious asset.
        _depositRequests[controller] = Request({
            amount: (uint256(_depositRequests[controller].amount) + assets).toUint128(),
            batch: epoch
        });
        _pendingDepositAssets += assets.toUint128();
        emit DepositRequested(controller, msg.sender, epoch, assets);
        IERC20(asset()).safeTransferFrom(msg.sender, address(this), assets);
    }

    /// @notice Request redemption of `shares`, fulfilled at the next settlement with enough idle assets.
    /// Shares move into the vault's escrow now and stay exposed to P&L until fulfilled.
    /// @param shares Shares to redeem.
    /// @param controller Who may claim or cancel the request.
    /// @param owner Whose shares; the caller needs an allowance when it is not the owner.
    /// @return batch The redemption batch (request id) the request joins.
    function requestRedeem(
        uint256 shares,
        address controller,
        address owner
    ) external nonReentrant returns (uint64 batch) {
        if (shares == 0) revert SigilVaultZeroAmount();
        if (controller == address(0)) revert SigilVaultZeroAddress();
        _requireFreshNav();
        if (msg.sender != owner) _spendAllowance(owner, msg.sender, shares);

        batch = _redeemBatch;
        Request memory r = _redeemRequests[controller];
        if (r.amount != 0 && r.batch != batch) _claimRedeem(controller, controller);
        _redeemRequests[controller] = Request({
            amount: (uint256(_redeemRequests[controller].amount) + shares).toUint128(),
            batch: batch
        });
        _pendingRedeemShares += shares.toUint128();
        _transfer(owner, address(this), shares);
        emit RedeemRequested(controller, owner, batch, shares);
    }

    /// @notice Cancel a deposit request that has not been settled yet; the assets go back to the controller.
    function cancelDepositRequest() external nonReentrant {
        Request memory r = _depositRequests[msg.sender];
        if (r.amount == 0) revert SigilVaultNothingToClaim(msg.sender);
        if (r.batch != _epoch) revert SigilVaultRequestAlreadyFulfilled(r.batch);
        delete _depositRequests[msg.sender];
        _pendingDepositAssets -= r.amount;
        emit DepositRequestCancelled(msg.sender, r.batch, r.amount);
        IERC20(asset()).safeTransfer(msg.sender, r.amount);
    }

    /// @notice Cancel a redeem request that has not been fulfilled yet; the shares go back to the controller.
    function cancelRedeemRequest() external nonReentrant {
        Request memory r = _redeemRequests[msg.sender];
        if (r.amount == 0) revert SigilVaultNothingToClaim(msg.sender);
        if (r.batch != _redeemBatch) revert SigilVaultRequestAlreadyFulfilled(r.batch);
        delete _redeemRequests[msg.sender];
        _pendingRedeemShares -= r.amount;
        _transfer(address(this), msg.sender, r.amount);
        emit RedeemRequestCancelled(msg.sender, r.batch, r.amount);
    }

    /// @notice Claim the shares of a settled deposit request.
    /// @param receiver Who receives the shares.
    /// @return shares Shares transferred.
    function claimDeposit(address receiver) external nonReentrant returns (uint256 shares) {
        return _claimDeposit(msg.sender, receiver);
    }

    /// @notice Claim the assets of a fulfilled redeem request.
    /// @param receiver Who receives the assets.
    /// @return assets Assets transferred.
    function claimRedeem(address receiver) external nonReentrant returns (uint256 assets) {
        return _claimRedeem(msg.sender, receiver);
    }

    // ================================================================ settlement

    /// @notice Settle the current epoch with a co-signed NAV report: book the venue equity, take fees,
    /// check the loss breakers, and fulfil queued deposits and redemptions at the new price.
    /// @dev A validly signed report whose NAV moves more than the policy's bound is recorded as rejected
    /// (an event; its sequence is consumed) rather than reverting, so the refusal is on-chain.
    /// @param report The NAV report.
    /// @param signatures Operator signatures in ascending signer order.
    function settle(ReportTypes.NavReport calldata report, bytes calldata signatures) external nonReentrant {
        NavState memory nav = _nav;
        if (report.sequence <= nav.sequence) revert SigilVaultStaleSequence(nav.sequence, report.sequence);
        if (report.deadline < block.timestamp) revert SigilVaultReportExpired(report.deadline);
        if (report.nav.epoch != _epoch) revert SigilVaultWrongEpoch(_epoch, report.nav.epoch);
        if (report.nav.timestamp > block.timestamp || report.nav.timestamp < nav.timestamp) {
            revert SigilVaultBadNavTimestamp(report.nav.timestamp);
        }
        bytes32 reportHash = ReportTypes.hashNavReport(report);
        registry.verify(reportHash, report.configDigest, signatures);
        _nav.sequence = report.sequence;

        IRiskPolicy.Limits memory limits = policy.limits();
        uint256 idle = _idleAssets();
        uint256 booked = idle + _offchainEquity;
        uint256 reported = idle + report.nav.venueEquity;
        uint256 change = reported > booked ? reported - booked : booked - reported;
        if (change * Units.BPS > booked * limits.maxNavChangeBps) {
            emit NavRejected(_epoch, report.sequence, reportHash, reported, booked);
            return;
        }
        _offchainEquity = report.nav.venueEquity;
        _settle(report.sequence, reportHash, report.nav.timestamp, limits);
    }

    function _settle(
        uint64 sequence,
        bytes32 reportHash,
        uint64 navTimestamp,
        IRiskPolicy.Limits memory limits
    ) private {
        uint64 epoch = _epoch;
        // Supply is unchanged between settlements, so this and the last settled NAV give the last price.
        uint256 previousPps = _pricePerShare(_nav.totalAssets, totalSupply());
        _takeFees(epoch, navTimestamp);
        uint256 assets = totalAssets();
        uint256 supply = totalSupply();
        uint256 pps = _pricePerShare(assets, supply);
        _checkBreakers(previousPps, pps, limits);

        // Fulfil this epoch's deposits and the open redeem batch at one price (assets + 1)/(supply + 10^offset).
        uint256 depositAssets = _pendingDepositAssets;
        uint256 depositShares = depositAssets.mulDiv(
            supply + 10 ** DECIMALS_OFFSET,
            assets + 1,
            Math.Rounding.Floor
        );
        uint256 redeemShares = _pendingRedeemShares;
        uint256 redeemAssets = redeemShares.mulDiv(
            assets + 1,
            supply + 10 ** DECIMALS_OFFSET,
            Math.Rounding.Floor
        );

        _depositFulfilments[epoch] = Fulfilment(depositAssets.toUint128(), depositShares.toUint128());
        _pendingDepositAssets = 0;
        _epoch = epoch + 1;
        if (depositShares != 0) _mint(address(this), depositShares);

        if (redeemShares != 0) {
            // Deposits just fulfilled are idle too, so they can pay redemptions.
            uint256 idle = _idleAssets();
            if (redeemAssets <= idle) {
                uint64 batch = _redeemBatch;
                _redeemFulfilments[batch] = Fulfilment(redeemAssets.toUint128(), redeemShares.toUint128());
                _redeemBatch = batch + 1;
                _pendingRedeemShares = 0;
                _reservedAssets += redeemAssets;
                _burn(address(this), redeemShares);
            } else {
                // The custodian must return funds from the venue first; the batch waits for the next epoch.
                emit RedemptionsDeferred(_redeemBatch, redeemShares, redeemAssets, idle);
                redeemShares = 0;
                redeemAssets = 0;
            }
        }

        uint256 newAssets = totalAssets();
        _nav = NavState({totalAssets: newAssets.toUint128(), timestamp: navTimestamp, sequence: sequence});
        emit EpochSettled(
            epoch,
            sequence,
            reportHash,
            newAssets,
            totalSupply(),
            pps,
            depositAssets,
            depositShares,
            redeemShares,
            redeemAssets
        );
    }

    function _takeFees(uint64 epoch, uint64 navTimestamp) private {
        Fees memory f = _fees;
        uint256 assets = totalAssets();
        uint256 supply = totalSupply();
        if (supply == 0) {
            // No holders: nobody to charge, and the next holders enter at this price. It becomes the
            // reference for the performance fee and the loss breakers, so leftover rounding or a donation
            // is not charged as their gain, nor an old mark counted as their drawdown.
            uint256 entry = _pricePerShare(assets, 0);
            _highWaterMark = entry;
            _dayStartPps = entry;
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

    function _checkBreakers(uint256 previousPps, uint256 pps, IRiskPolicy.Limits memory limits) private {
        if (block.timestamp >= uint256(_dayStart) + 1 days) {
            // A new UTC day: losses are measured from the last price of the previous one.
            _dayStart = uint64(block.timestamp - (block.timestamp % 1 days));
            _dayStartPps = previousPps;
        }
        uint256 dayStartPps = _dayStartPps;
        if (pps < dayStartPps && (dayStartPps - pps) * Units.BPS > dayStartPps * limits.maxDailyLossBps) {
            policy.tripBreaker(IRiskPolicy.KillLevel.ReduceOnly, "daily-loss");
        }
        uint256 hwm = _highWaterMark;
        if (pps < hwm && (hwm - pps) * Units.BPS > hwm * limits.maxDrawdownBps) {
            policy.tripBreaker(IRiskPolicy.KillLevel.Flatten, "drawdown");
        }
    }

    // ================================================================ custody

    /// @notice Move idle assets to the venue account (the custodian), within the policy's off-chain limit.
    /// @param assets Amount to move.
    /// @param venueRef Reference of the matching venue deposit, for reconciliation.
    function sendToVenue(uint256 assets, bytes32 venueRef) external onlyRole(CUSTODIAN_ROLE) nonReentrant {
        if (assets == 0) revert SigilVaultZeroAmount();
        uint256 idle = _idleAssets();
        if (assets > idle) revert SigilVaultInsufficientIdle(assets, idle);
        uint256 total = totalAssets();
        uint256 wouldBe = _offchainEquity + assets;
        uint256 limit = total.mulDiv(policy.limits().maxOffchainBps, Units.BPS);
        if (wouldBe > limit) revert SigilVaultOffchainLimit(wouldBe, limit);
        _offchainEquity = wouldBe;
        emit CustodySent(msg.sender, assets, wouldBe, venueRef);
        IERC20(asset()).safeTransfer(msg.sender, assets);
    }

    /// @notice Return assets from the venue account to the vault.
    /// @param assets Amount returned (pulled from the custodian).
    /// @param venueRef Reference of the matching venue withdrawal.
    function returnFromVenue(
        uint256 assets,
        bytes32 venueRef
    ) external onlyRole(CUSTODIAN_ROLE) nonReentrant {
        if (assets == 0) revert SigilVaultZeroAmount();
        uint256 equity = _offchainEquity;
        _offchainEquity = assets > equity ? 0 : equity - assets;
        emit CustodyReturned(msg.sender, assets, _offchainEquity, venueRef);
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

    /// @notice Set the cap on total assets including pending deposits.
    function setCap(uint256 cap) external onlyRole(GOVERNANCE_ROLE) {
        _cap = cap;
        emit CapSet(cap);
    }

    /// @notice Set how long a NAV report stays fresh.
    function setNavTtl(uint256 ttl) external onlyRole(GOVERNANCE_ROLE) {
        _navTtl = ttl;
        emit NavTtlSet(ttl);
    }

    /// @notice Pause new deposit requests (guardian: tightening). Claims, cancels and redemptions stay open.
    function pauseDeposits() external onlyRole(GUARDIAN_ROLE) {
        _depositsPaused = true;
        emit DepositsPausedSet(true, msg.sender);
    }

    /// @notice Resume deposit requests (governance only: loosening).
    function unpauseDeposits() external onlyRole(GOVERNANCE_ROLE) {
        _depositsPaused = false;
        emit DepositsPausedSet(false, msg.sender);
    }

    // ================================================================ views

    /// @notice Idle on-chain assets plus booked venue equity, excluding pending deposits and assets owed
    /// to fulfilled redemptions.
    function totalAssets() public view override returns (uint256) {
        return _idleAssets() + _offchainEquity;
    }

    /// @inheritdoc ISigilVault
    function lastNav() external view returns (uint128, uint64) {
        return (_nav.totalAssets, _nav.timestamp);
    }

    /// @inheritdoc ISigilVault
    function currentEpoch() external view returns (uint64) {
        return _epoch;
    }

    /// @notice The redemption batch that new redeem requests join.
    function currentRedeemBatch() external view returns (uint64) {
        return _redeemBatch;
    }

    /// @notice Last consumed NAV report sequence.
    function navSequence() external view returns (uint64) {
        return _nav.sequence;
    }

    /// @notice Whether new requests are accepted now (a fresh NAV, or nothing held off-chain).
    function isNavFresh() public view returns (bool) {
        return _offchainEquity == 0 || block.timestamp <= uint256(_nav.timestamp) + _navTtl;
    }

    /// @notice Assets of `controller`'s deposit request not yet settled.
    function pendingDepositRequest(address controller) external view returns (uint256) {
        Request memory r = _depositRequests[controller];
        return r.batch == _epoch ? r.amount : 0;
    }

    /// @notice Assets of `controller`'s settled deposit request, and the shares they claim.
    function claimableDepositRequest(
        address controller
    ) external view returns (uint256 assets, uint256 shares) {
        Request memory r = _depositRequests[controller];
        if (r.amount == 0 || r.batch == _epoch) return (0, 0);
        Fulfilment memory f = _depositFulfilments[r.batch];
        return (r.amount, uint256(r.amount).mulDiv(f.shares, f.assets));
    }

    /// @notice Shares of `controller`'s redeem request not yet fulfilled.
    function pendingRedeemRequest(address controller) external view returns (uint256) {
        Request memory r = _redeemRequests[controller];
        return r.batch == _redeemBatch ? r.amount : 0;
    }

    /// @notice Shares of `controller`'s fulfilled redeem request, and the assets they claim.
    function claimableRedeemRequest(
        address controller
    ) external view returns (uint256 shares, uint256 assets) {
        Request memory r = _redeemRequests[controller];
        if (r.amount == 0 || r.batch == _redeemBatch) return (0, 0);
        Fulfilment memory f = _redeemFulfilments[r.batch];
        return (r.amount, uint256(r.amount).mulDiv(f.assets, f.shares));
    }

    /// @notice Totals waiting for the next settlement.
    function pendingTotals() external view returns (uint256 depositAssets, uint256 redeemShares) {
        return (_pendingDepositAssets, _pendingRedeemShares);
    }

    /// @notice Assets owed to fulfilled, unclaimed redemptions.
    function reservedAssets() external view returns (uint256) {
        return _reservedAssets;
    }

    /// @notice Booked venue equity.
    function offchainEquity() external view returns (uint256) {
        return _offchainEquity;
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
        return (_cap, _navTtl, _depositsPaused);
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

    function _claimDeposit(address controller, address receiver) private returns (uint256 shares) {
        Request memory r = _depositRequests[controller];
        if (r.amount == 0 || r.batch == _epoch) revert SigilVaultNothingToClaim(controller);
        Fulfilment memory f = _depositFulfilments[r.batch];
        delete _depositRequests[controller];
        shares = uint256(r.amount).mulDiv(f.shares, f.assets, Math.Rounding.Floor);
        _transfer(address(this), receiver, shares);
        emit DepositClaimed(controller, receiver, r.batch, r.amount, shares);
    }

    function _claimRedeem(address controller, address receiver) private returns (uint256 assets) {
        Request memory r = _redeemRequests[controller];
        if (r.amount == 0 || r.batch == _redeemBatch) revert SigilVaultNothingToClaim(controller);
        Fulfilment memory f = _redeemFulfilments[r.batch];
        delete _redeemRequests[controller];
        assets = uint256(r.amount).mulDiv(f.assets, f.shares, Math.Rounding.Floor);
        _reservedAssets -= assets;
        emit RedeemClaimed(controller, receiver, r.batch, r.amount, assets);
        IERC20(asset()).safeTransfer(receiver, assets);
    }

    function _idleAssets() private view returns (uint256) {
        uint256 balance = IERC20(asset()).balanceOf(address(this));
        uint256 owed = uint256(_pendingDepositAssets) + _reservedAssets;
        return balance > owed ? balance - owed : 0;
    }

    function _pricePerShare(uint256 assets, uint256 supply) private pure returns (uint256) {
        return (assets + 1).mulDiv(PPS_SCALE, supply + 10 ** DECIMALS_OFFSET);
    }

    function _requireFreshNav() private view {
        if (!isNavFresh()) revert SigilVaultNavStale(_nav.timestamp, _navTtl);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
