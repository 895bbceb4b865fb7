// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @title PlainVault
/// @notice A plain OpenZeppelin ERC-4626 vault: the gas benchmark's reference point.
contract PlainVault is ERC4626 {
    constructor(IERC20 asset_) ERC20("Plain Vault", "PLAIN") ERC4626(asset_) {}
}
