package io.hwledger.tck;

import io.hwledger.spi.GpuBackendProvider;
import io.hwledger.spi.GpuDevice;
import io.hwledger.tck.ScriptedProvider.Defect;
import java.util.Set;

/**
 * The TCK run against backends that each break one rule. Not run by Surefire (no {@code Test} in
 * the names): {@link ContractCanFailTest} runs them through the JUnit Platform launcher and expects
 * failures.
 */
final class BrokenFixtures {
  private BrokenFixtures() {}

  /** The contract with the scripted backend's truth about unsupported metrics. */
  abstract static class Base extends GpuBackendContract {
    private final Defect defect;

    Base(Defect defect) {
      this.defect = defect;
    }

    @Override
    protected GpuBackendProvider provider() {
      return new ScriptedProvider(defect);
    }

    @Override
    protected Set<Metric> expectedUnsupported(GpuDevice device) {
      return ScriptedProvider.UNSUPPORTED;
    }
  }

  static final class ThrowsOnAvailability extends Base {
    ThrowsOnAvailability() {
      super(Defect.THROWS_ON_AVAILABILITY);
    }
  }

  static final class ZeroForUnsupportedPower extends Base {
    ZeroForUnsupportedPower() {
      super(Defect.ZERO_FOR_UNSUPPORTED_POWER);
    }
  }

  /** Without expectedUnsupported, the 0 is still caught by noUnexplainedZeros. */
  static final class ZeroForUnsupportedPowerUndeclared extends GpuBackendContract {
    @Override
    protected GpuBackendProvider provider() {
      return new ScriptedProvider(Defect.ZERO_FOR_UNSUPPORTED_POWER);
    }
  }

  static final class UsedPlusFreeExceedsTotal extends Base {
    UsedPlusFreeExceedsTotal() {
      super(Defect.USED_PLUS_FREE_EXCEEDS_TOTAL);
    }
  }

  static final class UnstableUuid extends Base {
    UnstableUuid() {
      super(Defect.UNSTABLE_UUID);
    }
  }

  static final class WallClockTimestamps extends Base {
    WallClockTimestamps() {
      super(Defect.WALL_CLOCK_TIMESTAMPS);
    }
  }

  static final class UsableAfterClose extends Base {
    UsableAfterClose() {
      super(Defect.USABLE_AFTER_CLOSE);
    }
  }

  static final class NotThreadSafe extends Base {
    NotThreadSafe() {
      super(Defect.NOT_THREAD_SAFE);
    }
  }
}
