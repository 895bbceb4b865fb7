// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ISigilVault} from "../interfaces/ISigilVault.sol";

/// @title EpochBook
/// @notice The vault's book of deposit and redeem requests, epoch by epoch. Each epoch has a cut-off: a
/// request made before it joins the epoch settling next, one made after it joins the one after, so the
/// epoch can settle only with a report valued after every one of its requests. A request may be
/// cancelled until its epoch's cut-off, never after. Settlement is O(1) in the number of requests: it
/// records one fulfilment per epoch, and each request is claimed later at that price. Deposits beyond
/// the vault's cap are refused pro rata (refunded on claim); redemptions that idle assets cannot pay
/// roll, as a whole batch, into the next epoch.
/// @dev Deployed by the vault in its constructor; only that vault may write, and the vault holds every
/// token (assets, escrowed shares): this contract only keeps the books. A controller has one request
/// slot per epoch parity, so it may hold a request before and one after a cut-off.
contract EpochBook {
    using SafeCast for uint256;
    using Math for uint256;

    /// @notice A controller's request in one epoch: assets to deposit or shares to redeem.
    struct Request {
        uint128 amount;
        uint64 batch; // the epoch whose settlement fulfils it
    }

    /// @notice What one epoch's settlement fulfilled: deposits (assets accepted, shares minted) or
    /// redemptions (assets owed, shares burnt).
    struct Fulfilment {
        uint128 assets;
        uint128 shares;
    }

    struct EpochState {
        uint64 epoch; // the epoch that settles next
        uint64 cutoff; // requests from this time on join the next epoch
        uint64 redeemRunStart; // first epoch of a run of deferred redemptions (0 = none)
    }

    /// @notice One request slot claimed or cancelled: its epoch, the amount requested (assets or shares),
    /// and what it pays out (deposits: shares and refunded assets; redemptions: assets).
    struct Entry {
        uint64 batch;
        uint256 amount;
        uint256 shares;
        uint256 assets;
    }

    /// @notice The settlement price and what the vault can pay.
    /// The price is the vault's: `priceAssets` / `priceShares` assets per share, with its virtual
    /// asset and virtual shares included (the inflation guard), so the book never re-derives it.
    struct Price {
        uint256 priceAssets; // total assets after fees, plus the vault's virtual asset
        uint256 priceShares; // share supply after fees, plus the vault's virtual shares
        uint256 room; // assets the cap still admits
        uint256 idle; // idle assets before this epoch's deposits are accepted
        uint256 epochDuration; // seconds until the next epoch's cut-off
    }

    /// @notice What one settlement fulfilled.
    struct Outcome {
        uint64 epoch;
        uint256 depositsRequested;
        uint256 depositAssets; // accepted
        uint256 depositShares; // to mint
        uint256 redeemShares; // to burn (0 when deferred)
        uint256 redeemAssets; // owed (0 when deferred)
        uint256 deferredShares; // rolled into the next epoch
        uint256 deferredAssets; // what they would have needed
    }

    /// @notice Thrown when anyone but the vault writes.
    error EpochBookNotVault(address caller);

    address public immutable vault;

    EpochState private _state;
    /// @dev Totals by epoch parity (the epoch settling next and the one after). The marker keeps the slot
    /// non-zero, so the first request of an epoch pays for an update, not a new slot.
    struct Pending {
        uint120 even;
        uint120 odd;
        uint16 marker;
    }

    Pending private _pendingDeposits; // assets
    Pending private _pendingRedeems; // shares (deferred redemptions roll into the next epoch)
    mapping(address controller => Request[2]) private _depositRequests;
    mapping(address controller => Request[2]) private _redeemRequests;
    mapping(uint64 epoch => Fulfilment) private _depositFulfilments;
    /// @dev Deposits requested in an epoch whose acceptance the cap limited (0 = all accepted).
    mapping(uint64 epoch => uint256) private _depositsRequested;
    mapping(uint64 epoch => Fulfilment) private _redeemFulfilments;
    /// @dev Deferred redemption epochs, each mapped to the first epoch of its run...
    mapping(uint64 epoch => uint64) private _redeemRunOf;
    /// @dev ...and each run's first epoch to the epoch whose settlement finally fulfilled it.
    mapping(uint64 runStart => uint64) private _redeemRunEnd;

    /// @param firstCutoff Cut-off of epoch 1.
    constructor(uint256 firstCutoff) {
        vault = msg.sender;
        _state = EpochState({epoch: 1, cutoff: firstCutoff.toUint64(), redeemRunStart: 0});
        _pendingDeposits.marker = 1;
        _pendingRedeems.marker = 1;
    }

    modifier onlyVault() {
        if (msg.sender != vault) revert EpochBookNotVault(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- requests (the vault moves the tokens)

    /// @notice Book a deposit request of `assets` for `controller`; an earlier settled request in the same
    /// slot is claimed first.
    /// @return epoch The epoch the request joins.
    /// @return claimed The earlier request claimed (zero amount when none).
    function addDeposit(
        address controller,
        uint256 assets
    ) external onlyVault returns (uint64 epoch, Entry memory claimed) {
        epoch = requestEpoch();
        uint256 i = epoch & 1;
        Request memory r = _depositRequests[controller][i];
        // The slot's earlier request is two epochs back at least, hence settled.
        if (r.amount != 0 && r.batch != epoch) {
            claimed = _takeDeposit(controller, i);
            r.amount = 0;
        }
        _depositRequests[controller][i] = Request({
            amount: (uint256(r.amount) + assets).toUint128(),
            batch: epoch
        });
        _add(_pendingDeposits, i, assets);
    }

    /// @notice Book a redeem request of `shares` for `controller`; an earlier fulfilled request in the
    /// same slot is claimed first.
    /// @return batch The epoch the request joins.
    /// @return claimed The earlier request claimed (zero amount when none).
    function addRedeem(
        address controller,
        uint256 shares
    ) external onlyVault returns (uint64 batch, Entry memory claimed) {
        uint64 epoch = _state.epoch;
        batch = requestEpoch();
        uint256 i = batch & 1;
        Request memory r = _redeemRequests[controller][i];
        if (r.amount != 0 && r.batch != batch) {
            (bool fulfilled, ) = _redeemFulfilment(r.batch);
            if (fulfilled) {
                claimed = _takeRedeem(controller, i);
                r.amount = 0;
            } else if (batch != epoch) {
                // Deferred into the epoch settling next, while this request joins the one after.
                revert ISigilVault.SigilVaultRequestPending(r.batch);
            }
            // Otherwise it was deferred into this very epoch: the request simply grows.
        }
        _redeemRequests[controller][i] = Request({
            amount: (uint256(r.amount) + shares).toUint128(),
            batch: batch
        });
        _add(_pendingRedeems, i, shares);
    }

    /// @notice Cancel `controller`'s deposit requests still open: those of the next epoch, and those of
    /// the epoch settling next while its cut-off has not passed.
    /// @return cancelled Each slot cancelled (zero amount when not).
    function cancelDeposits(address controller) external onlyVault returns (Entry[2] memory cancelled) {
        EpochState memory es = _state;
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _depositRequests[controller][i];
            if (r.amount == 0 || !_cancellable(r.batch, es)) continue;
            _depositRequests[controller][i].amount = 0;
            _sub(_pendingDeposits, i, r.amount);
            cancelled[i] = Entry({batch: r.batch, amount: r.amount, shares: 0, assets: r.amount});
        }
    }

    /// @notice Cancel `controller`'s redeem requests still open (a request deferred into the epoch
    /// settling next counts as one of that epoch).
    /// @return cancelled Each slot cancelled (zero amount when not).
    function cancelRedeems(address controller) external onlyVault returns (Entry[2] memory cancelled) {
        EpochState memory es = _state;
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _redeemRequests[controller][i];
            if (r.amount == 0) continue;
            uint64 batch = r.batch;
            if (batch < es.epoch) {
                (bool fulfilled, ) = _redeemFulfilment(batch);
                if (fulfilled) continue;
                batch = es.epoch; // deferred: it now waits in the epoch settling next
            }
            if (!_cancellable(batch, es)) continue;
            _redeemRequests[controller][i].amount = 0;
            _sub(_pendingRedeems, batch & 1, r.amount);
            cancelled[i] = Entry({batch: r.batch, amount: r.amount, shares: r.amount, assets: 0});
        }
    }

    /// @notice Take `controller`'s settled deposit requests off the book.
    /// @return claims Each slot claimed: shares, and assets refunded because the cap refused them.
    function claimDeposits(address controller) external onlyVault returns (Entry[2] memory claims) {
        uint64 epoch = _state.epoch;
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _depositRequests[controller][i];
            if (r.amount != 0 && r.batch < epoch) claims[i] = _takeDeposit(controller, i);
        }
    }

    /// @notice Take `controller`'s fulfilled redeem requests off the book.
    /// @return claims Each slot claimed, with the assets it is paid.
    function claimRedeems(address controller) external onlyVault returns (Entry[2] memory claims) {
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _redeemRequests[controller][i];
            if (r.amount == 0) continue;
            (bool fulfilled, ) = _redeemFulfilment(r.batch);
            if (fulfilled) claims[i] = _takeRedeem(controller, i);
        }
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Fulfil the epoch settling next at the vault's price (`priceAssets` / `priceShares`): its
    /// deposits up to `room`, and its redemptions (deferred ones included) if idle assets, with the
    /// deposits just accepted, can pay them, else they roll into the next epoch. Opens the next epoch.
    /// @param p The price and what the vault can pay.
    /// @return o What was fulfilled, for the vault to mint, burn and owe.
    function settle(Price calldata p) external onlyVault returns (Outcome memory o) {
        EpochState memory es = _state;
        uint64 epoch = es.epoch;
        uint256 i = epoch & 1;
        o.epoch = epoch;

        uint256 requested = _get(_pendingDeposits, i);
        uint256 accepted = requested < p.room ? requested : p.room;
        uint256 minted = accepted.mulDiv(p.priceShares, p.priceAssets, Math.Rounding.Floor);
        _depositFulfilments[epoch] = Fulfilment(accepted.toUint128(), minted.toUint128());
        if (accepted < requested) _depositsRequested[epoch] = requested;
        _set(_pendingDeposits, i, 0);
        o.depositsRequested = requested;
        o.depositAssets = accepted;
        o.depositShares = minted;

        uint256 shares = _get(_pendingRedeems, i);
        if (shares == 0) {
            es.redeemRunStart = 0; // every deferred request was cancelled
        } else {
            uint256 owed = shares.mulDiv(p.priceAssets, p.priceShares, Math.Rounding.Floor);
            _set(_pendingRedeems, i, 0);
            if (owed <= p.idle + accepted) {
                _redeemFulfilments[epoch] = Fulfilment(owed.toUint128(), shares.toUint128());
                if (es.redeemRunStart != 0) _redeemRunEnd[es.redeemRunStart] = epoch;
                es.redeemRunStart = 0;
                o.redeemShares = shares;
                o.redeemAssets = owed;
            } else {
                // The custodian must return funds from the venue first; the next epoch's report is
                // valued after each of these requests too.
                if (es.redeemRunStart == 0) es.redeemRunStart = epoch;
                _redeemRunOf[epoch] = es.redeemRunStart;
                _add(_pendingRedeems, i ^ 1, shares);
                o.deferredShares = shares;
                o.deferredAssets = owed;
            }
        }
        _state = EpochState({
            epoch: epoch + 1,
            cutoff: (block.timestamp + p.epochDuration).toUint64(),
            redeemRunStart: es.redeemRunStart
        });
    }

    // ---------------------------------------------------------------- views

    /// @notice The epoch that settles next and its cut-off.
    function epochState() external view returns (uint64 epoch, uint64 cutoff) {
        return (_state.epoch, _state.cutoff);
    }

    /// @notice The epoch a request made now joins: the one settling next before its cut-off, else the one after.
    function requestEpoch() public view returns (uint64) {
        EpochState memory es = _state;
        return block.timestamp < es.cutoff ? es.epoch : es.epoch + 1;
    }

    /// @notice Totals waiting for a settlement (the epoch settling next and the one after).
    function pendingTotals() external view returns (uint256 depositAssets, uint256 redeemShares) {
        Pending memory d = _pendingDeposits;
        Pending memory r = _pendingRedeems;
        return (uint256(d.even) + d.odd, uint256(r.even) + r.odd);
    }

    /// @notice `controller`'s deposit requests: assets waiting for a settlement, and of those settled,
    /// the assets requested, the shares they claim and the part the cap refused (refunded on claim).
    function depositRequestOf(
        address controller
    )
        external
        view
        returns (uint256 pending, uint256 claimableAssets, uint256 claimableShares, uint256 refund)
    {
        uint64 epoch = _state.epoch;
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _depositRequests[controller][i];
            if (r.batch >= epoch) {
                pending += r.amount;
            } else if (r.amount != 0) {
                (uint256 s, uint256 back) = _depositClaim(r);
                claimableAssets += r.amount;
                claimableShares += s;
                refund += back;
            }
        }
    }

    /// @notice `controller`'s redeem requests: shares waiting for a settlement (deferred ones included),
    /// and the shares fulfilled with the assets they claim.
    function redeemRequestOf(
        address controller
    ) external view returns (uint256 pending, uint256 claimableShares, uint256 claimableAssets) {
        for (uint256 i = 0; i < 2; ++i) {
            Request memory r = _redeemRequests[controller][i];
            if (r.amount == 0) continue;
            (bool fulfilled, Fulfilment memory f) = _redeemFulfilment(r.batch);
            if (!fulfilled) {
                pending += r.amount;
            } else {
                claimableShares += r.amount;
                claimableAssets += uint256(r.amount).mulDiv(f.assets, f.shares);
            }
        }
    }

    /// @notice `controller`'s two request slots (raw), for auditors and tools.
    function requestsOf(
        address controller
    ) external view returns (Request[2] memory deposits, Request[2] memory redeems) {
        return (_depositRequests[controller], _redeemRequests[controller]);
    }

    /// @notice What the settlement of `epoch` fulfilled: deposits accepted (and requested, when the cap
    /// refused some), redemptions paid (for a deferred epoch: the fulfilment of its run).
    function fulfilmentOf(
        uint64 epoch
    )
        external
        view
        returns (
            Fulfilment memory deposits,
            uint256 depositsRequested,
            bool redeemed,
            Fulfilment memory redeems
        )
    {
        deposits = _depositFulfilments[epoch];
        depositsRequested = _depositsRequested[epoch];
        if (depositsRequested == 0) depositsRequested = deposits.assets;
        (redeemed, redeems) = _redeemFulfilment(epoch);
    }

    // ---------------------------------------------------------------- internals

    function _get(Pending storage p, uint256 i) private view returns (uint256) {
        return i == 0 ? p.even : p.odd;
    }

    function _set(Pending storage p, uint256 i, uint256 v) private {
        if (i == 0) p.even = v.toUint120();
        else p.odd = v.toUint120();
    }

    function _add(Pending storage p, uint256 i, uint256 v) private {
        _set(p, i, _get(p, i) + v);
    }

    function _sub(Pending storage p, uint256 i, uint256 v) private {
        _set(p, i, _get(p, i) - v);
    }

    /// @dev Whether a request waiting in `batch` may still be cancelled.
    function _cancellable(uint64 batch, EpochState memory es) private view returns (bool) {
        return batch > es.epoch || (batch == es.epoch && block.timestamp < es.cutoff);
    }

    function _depositClaim(Request memory r) private view returns (uint256 shares, uint256 refund) {
        Fulfilment memory f = _depositFulfilments[r.batch];
        uint256 requested = _depositsRequested[r.batch];
        if (requested == 0) {
            // Every request of the epoch accepted.
            return (f.assets == 0 ? 0 : uint256(r.amount).mulDiv(f.shares, f.assets), 0);
        }
        // Pro rata: shares for the accepted part (rounded down), the rest refunded (rounded down).
        shares = uint256(r.amount).mulDiv(f.shares, requested);
        refund = r.amount - uint256(r.amount).mulDiv(f.assets, requested, Math.Rounding.Ceil);
    }

    // A slot taken off the book keeps its epoch (amount 0 means empty), so its next request is an update.

    function _takeDeposit(address controller, uint256 i) private returns (Entry memory e) {
        Request memory r = _depositRequests[controller][i];
        _depositRequests[controller][i].amount = 0;
        (uint256 shares, uint256 refund) = _depositClaim(r);
        return Entry({batch: r.batch, amount: r.amount, shares: shares, assets: refund});
    }

    function _takeRedeem(address controller, uint256 i) private returns (Entry memory e) {
        Request memory r = _redeemRequests[controller][i];
        (, Fulfilment memory f) = _redeemFulfilment(r.batch);
        _redeemRequests[controller][i].amount = 0;
        return
            Entry({
                batch: r.batch,
                amount: r.amount,
                shares: r.amount,
                assets: uint256(r.amount).mulDiv(f.assets, f.shares, Math.Rounding.Floor)
            });
    }

    /// @dev The fulfilment of redemptions requested in `batch`: its own, or, when it was deferred, that of
    /// the epoch that finally fulfilled its run.
    function _redeemFulfilment(uint64 batch) private view returns (bool fulfilled, Fulfilment memory f) {
        if (batch >= _state.epoch) return (false, f);
        f = _redeemFulfilments[batch];
        if (f.shares != 0) return (true, f);
        uint64 end = _redeemRunEnd[_redeemRunOf[batch]];
        if (end == 0) return (false, f);
        return (true, _redeemFulfilments[end]);
    }
}
