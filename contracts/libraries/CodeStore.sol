// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title CodeStore
/// @notice Stores immutable bytes as the runtime code of a fresh contract, so reading them costs one
/// cold account access plus 3 gas per word instead of one cold SLOAD per word (the SSTORE2 pattern).
/// @dev The runtime code is `0x00 || data`: the leading STOP byte makes the data contract uncallable.
library CodeStore {
    /// @notice Thrown when the data contract could not be created.
    error CodeStoreWriteFailed();

    function write(bytes memory data) internal returns (address pointer) {
        uint256 size = data.length + 1;
        // Init code: PUSH2 size, DUP1, PUSH1 0x0a, RETURNDATASIZE, CODECOPY, RETURNDATASIZE, RETURN
        // (copies the 10-byte-offset runtime into memory 0 and returns it), then the runtime itself.
        bytes memory initCode = abi.encodePacked(hex"61", uint16(size), hex"80600a3d393df3", hex"00", data);
        assembly ("memory-safe") {
            pointer := create(0, add(initCode, 0x20), mload(initCode))
        }
        if (pointer == address(0)) revert CodeStoreWriteFailed();
    }

    /// @notice The bytes behind `pointer`; empty for an address without code (no pointer written yet).
    function read(address pointer) internal view returns (bytes memory data) {
        if (pointer.code.length == 0) return data;
        assembly ("memory-safe") {
            let size := sub(extcodesize(pointer), 1)
            data := mload(0x40)
            mstore(data, size)
            extcodecopy(pointer, add(data, 0x20), 1, size)
            mstore(0x40, add(add(data, 0x20), and(add(size, 31), not(31))))
        }
    }
}
