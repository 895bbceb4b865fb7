// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice Attack fixture: an ERC-20 that calls back into a target during transfers, to prove the
/// vault's guards hold against a malicious asset.
contract ReentrantToken is ERC20 {
    address public callbackTarget;
    bytes public payload;
    bool public lastCallSucceeded;
    bytes public lastRevertData;
    bool private _armed;

    constructor() ERC20("Reentrant USD", "rUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Arm one callback into `target` with `data` on the next transfer.
    function arm(address target_, bytes calldata data) external {
        callbackTarget = target_;
        payload = data;
        _armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_armed) {
            _armed = false;
            (bool ok, bytes memory ret) = callbackTarget.call(payload);
            lastCallSucceeded = ok;
            lastRevertData = ret;
        }
    }
}
