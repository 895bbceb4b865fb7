import { Contract } from "ethers";
import type { ContractRunner } from "ethers";
import { KillLevel } from "../strategy/KillLevel.js";

/** The kill level in force, asked before every decision to send an order. */
export interface KillLevelSource {
  current(): Promise<KillLevel>;
}

/** An injected level (tests, shadow runs, an operator override). */
export class StaticKillLevel implements KillLevelSource {
  constructor(public level: KillLevel = KillLevel.Normal) {}

  async current(): Promise<KillLevel> {
    return this.level;
  }
}

/** The on-chain level: `RiskPolicy.killLevel()` (same enum order as `KillLevel`). */
export class RiskPolicyKillLevel implements KillLevelSource {
  private readonly policy: Contract;

  constructor(address: string, runner: ContractRunner) {
    this.policy = new Contract(address, ["function killLevel() view returns (uint8)"], runner);
  }

  async current(): Promise<KillLevel> {
    const level = Number((await this.policy.getFunction("killLevel")()) as bigint);
    if (!(level in KillLevel)) throw new RangeError(`RiskPolicy returned unknown kill level ${level}`);
    return level as KillLevel;
  }
}
