// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Units
/// @notice The one place where on-chain units meet: prices with 8 decimals (Chainlink's convention),
/// weights and limits in basis points, token amounts in the token's own decimals, time in seconds.
/// Its TypeScript twin is `offchain/protocol/units.ts`; golden vectors keep the two equal.
library Units {
    uint256 internal constant BPS = 10_000;
    uint8 internal constant PRICE_DECIMALS = 8;
    uint256 internal constant E8 = 1e8;

    /// @notice Rescale a feed answer with `decimals` decimals to 8 decimals (rounding down).
    function toE8(uint256 answer, uint8 decimals) internal pure returns (uint256) {
        if (decimals == PRICE_DECIMALS) return answer;
        if (decimals > PRICE_DECIMALS) return answer / 10 ** (decimals - PRICE_DECIMALS);
        return answer * 10 ** (PRICE_DECIMALS - decimals);
    }

    /// @notice Value of `quantityE8` units of an asset at `priceE8`, in token units of a stable asset
    /// with `tokenDecimals` decimals (worth 1 each), rounded down.
    function notional(
        uint256 quantityE8,
        uint256 priceE8,
        uint8 tokenDecimals
    ) internal pure returns (uint256) {
        return Math.mulDiv(quantityE8 * priceE8, 10 ** tokenDecimals, E8 * E8);
    }

    /// @notice `amount` as basis points of `total`, rounded up so that limit checks err on the strict side.
    function bpsOf(uint256 amount, uint256 total) internal pure returns (uint256) {
        return Math.mulDiv(amount, BPS, total, Math.Rounding.Ceil);
    }
}
